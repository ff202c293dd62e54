//! The scenarios of state inferred from a document (the pets test document, served beside the
//! vendors): a read of a record seeded from the document's examples, and a create then a read of what
//! it made, in the default namespace and in one holding 100,000 inferred records (a fixtures file).
//! Before the load, one request of each is checked: the read answers the seeded record, the create
//! answers 201 with an id that the read then finds, in the shape the document gives.

use serde_json::{json, Value};

use crate::client;
use crate::generic::{PETS, PETS_KEY};
use crate::wrk::{Expect, Scenario};

/// How many records the large namespace holds, and the first of their ids (clear of the examples').
pub const RECORDS: u32 = 100_000;
const FIRST_ID: u32 = 1_000;

/// The state scenarios' names, as the report shows them.
pub const READ: &str = "state: read a seeded record 200";
pub const CREATE_THEN_READ: &str = "state: create 201, then read it 200";
pub const CREATE_THEN_READ_LARGE: &str = "state: create then read, 100,000 records";
pub const NAMES: [&str; 3] = [READ, CREATE_THEN_READ, CREATE_THEN_READ_LARGE];

/// The pet the document's examples seed (the id of its create and read examples).
const SEEDED: u64 = 42;
/// The pet each create sends.
const NEW_PET: &str = r#"{"name":"Bench","species":"cat","tags":["indoor"]}"#;

/// A fixtures file (JSON) giving the pets API [`RECORDS`] pets: written to the temporary directory.
pub fn large_fixtures() -> std::path::PathBuf {
    let pets: Vec<Value> = (0..RECORDS)
        .map(|i| {
            json!({
                "id": FIRST_ID + i, "name": format!("Pet {i}"), "species": "dog", "breed": "Beagle",
                "birthDate": "2021-04-02", "weightKg": 11.5, "adoptionFee": 150, "tags": ["indoor"],
                "status": "available", "createdAt": "2026-10-01T09:30:00Z", "updatedAt": null,
            })
        })
        .collect();
    let fixtures = json!({ PETS.0: { "resources": { "pets": pets } } });
    let path = std::env::temp_dir().join(format!("understudy-perf-pets-{}.json", std::process::id()));
    std::fs::write(&path, fixtures.to_string()).expect("the fixtures file");
    path
}

/// The three scenarios: the first two on `server`, the last on `large` (which holds the records).
pub fn scenarios(server: usize, pets: &str, large: usize, large_pets: &str) -> Vec<Scenario> {
    vec![
        Scenario {
            name: READ,
            server,
            url: format!("{pets}/pets/{SEEDED}"),
            lua: crate::wrk::fixed("GET", &[("X-API-Key", PETS_KEY.to_string())], None),
            expect: Expect::Success,
        },
        Scenario {
            name: CREATE_THEN_READ,
            server,
            url: format!("{pets}/pets"),
            lua: create_then_read(),
            expect: Expect::Success,
        },
        Scenario {
            name: CREATE_THEN_READ_LARGE,
            server: large,
            url: format!("{large_pets}/pets"),
            lua: create_then_read(),
            expect: Expect::Success,
        },
    ]
}

/// A wrk script that POSTs a pet, and reads each pet made (its id from the answer) with the next
/// request of the same thread: creates and reads alternate.
fn create_then_read() -> String {
    format!(
        r#"wrk.method = "POST"
wrk.headers["X-API-Key"] = "{PETS_KEY}"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{NEW_PET}'
local read = {{["X-API-Key"] = "{PETS_KEY}"}}
local made = {{}}
function request()
  local id = table.remove(made)
  if id then
    return wrk.format("GET", wrk.path .. "/" .. id, read, "")
  end
  return wrk.format()
end
function response(status, headers, body)
  if status == 201 then
    local id = string.match(body, '"id":(%d+)')
    if id then table.insert(made, id) end
  end
end
"#
    )
}

/// One request of each scenario, checked closely. The problems found.
pub fn check(pets: &str, large_pets: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let key = [("X-API-Key", PETS_KEY)];
    match client::send("GET", &format!("{pets}/pets/{SEEDED}"), &key, None) {
        Ok(answer)
            if answer.status == 200
                && answer.json()["id"] == json!(SEEDED)
                && answer.header("x-understudy-warning").is_none() => {}
        Ok(answer) => problems.push(format!("{READ}: not the seeded pet {SEEDED}: {}", answer.describe())),
        Err(e) => problems.push(format!("{READ}: {e}")),
    }
    for (name, base) in [(CREATE_THEN_READ, pets), (CREATE_THEN_READ_LARGE, large_pets)] {
        if let Err(why) = create_and_read(base, &key) {
            problems.push(format!("{name}: {why}"));
        }
    }
    let last = FIRST_ID + RECORDS - 1;
    match client::send("GET", &format!("{large_pets}/pets/{last}"), &key, None) {
        Ok(answer) if answer.status == 200 && answer.json()["id"] == json!(last) => {}
        Ok(answer) => problems.push(format!(
            "{CREATE_THEN_READ_LARGE}: the fixtures' last pet {last} is not there: {}",
            answer.describe()
        )),
        Err(e) => problems.push(format!("{CREATE_THEN_READ_LARGE}: {e}")),
    }
    problems
}

/// A create answered 201 with an id, and a read of that id answering the pet sent.
fn create_and_read(base: &str, key: &[(&str, &str)]) -> Result<(), String> {
    let created = client::send("POST", &format!("{base}/pets"), key, Some(NEW_PET))?;
    let id = created.json()["id"].as_u64();
    let (201, Some(id)) = (created.status, id) else {
        return Err(format!("not a created pet: {}", created.describe()));
    };
    let read = client::send("GET", &format!("{base}/pets/{id}"), key, None)?;
    let body = read.json();
    if read.status == 200 && body["id"] == json!(id) && body["name"] == "Bench" && body["species"] == "cat" {
        Ok(())
    } else {
        Err(format!("pet {id} was made, then read as {}", read.describe()))
    }
}
