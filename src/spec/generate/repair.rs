//! Bringing a generated value within its schema when no seed gave a valid one: a document may ask
//! for what no value gives (an integer property whose `enum` lists strings; a property an `allOf`
//! branch declares and the outer `additionalProperties` forbids). What the validator names is
//! removed, deepest first: each removal is kept only if it leaves fewer violations, so an optional
//! property or an array's element goes, and a required one stays (the validator says so).

use serde_json::Value;

/// One violation: where it is, and the properties it names as not allowed there.
pub(crate) struct Flaw {
    /// The place in the value, as path segments (`["items", "0", "name"]`).
    pub(crate) at: Vec<String>,
    /// For `additionalProperties` and `unevaluatedProperties`: the names that are not allowed.
    pub(crate) unexpected: Vec<String>,
}

/// How many removals one value may take.
const ROUNDS: usize = 32;

/// `value` with what `flaws_of` names removed until it names nothing; `None` when that cannot be.
pub(crate) fn repaired(mut value: Value, flaws_of: &dyn Fn(&Value) -> Vec<Flaw>) -> Option<Value> {
    let mut flaws = flaws_of(&value);
    for _ in 0..ROUNDS {
        let first = flaws.first()?;
        // The names not allowed where the violation is, then the place and each of its parents.
        let unexpected = first.unexpected.iter().map(|name| {
            let mut at = first.at.clone();
            at.push(name.clone());
            at
        });
        let places = (1..=first.at.len()).rev().map(|depth| first.at[..depth].to_vec());
        let candidates: Vec<Vec<String>> = unexpected.chain(places).collect();
        let improved = candidates.into_iter().find_map(|place| {
            let mut trial = value.clone();
            remove_at(&mut trial, &place)?;
            let after = flaws_of(&trial);
            (after.len() < flaws.len()).then_some((trial, after))
        });
        let (better, after) = improved?;
        value = better;
        flaws = after;
        if flaws.is_empty() {
            return Some(value);
        }
    }
    flaws.is_empty().then_some(value)
}

/// Removes the property or element at `place`; `None` when there is none.
fn remove_at(value: &mut Value, place: &[String]) -> Option<()> {
    let (last, parents) = place.split_last()?;
    let parent = parents.iter().try_fold(value, |current, segment| match current {
        Value::Object(map) => map.get_mut(segment),
        Value::Array(items) => items.get_mut(segment.parse::<usize>().ok()?),
        _ => None,
    })?;
    match parent {
        Value::Object(map) => map.remove(last).map(|_| ()),
        Value::Array(items) => {
            let index = last.parse::<usize>().ok().filter(|i| *i < items.len())?;
            items.remove(index);
            Some(())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A judge for `{required: [id], properties: {id: string, level: integer}, additionalProperties: false}`
    /// items of a list of at least one.
    fn flaws(value: &Value) -> Vec<Flaw> {
        let mut found = Vec::new();
        let items = value["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            found.push(Flaw {
                at: vec!["items".into()],
                unexpected: vec![],
            });
        }
        for (index, item) in items.iter().enumerate() {
            let at = vec!["items".to_string(), index.to_string()];
            if !item["id"].is_string() {
                found.push(Flaw {
                    at: at.clone(),
                    unexpected: vec![],
                });
            }
            if item.get("level").is_some_and(|level| !level.is_i64()) {
                found.push(Flaw {
                    at: [at.clone(), vec!["level".into()]].concat(),
                    unexpected: vec![],
                });
            }
            let unexpected: Vec<String> = item
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, _)| name.clone())
                .filter(|name| name != "id" && name != "level")
                .collect();
            if !unexpected.is_empty() {
                found.push(Flaw { at, unexpected });
            }
        }
        found
    }

    #[test]
    fn optional_properties_and_elements_go_and_what_is_required_stays() {
        let value = json!({"items": [
            {"id": "a", "level": "6", "eTag": "x"},
            {"level": 2},
            {"id": "c", "level": 3}
        ]});
        assert_eq!(
            repaired(value, &flaws),
            Some(json!({"items": [{"id": "a"}, {"id": "c", "level": 3}]}))
        );
    }

    #[test]
    fn what_no_removal_mends_is_none() {
        assert!(repaired(json!({"items": [{"level": 1}]}), &flaws).is_none());
    }
}
