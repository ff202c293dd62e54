//! `GET collection`: the items of the request's parent, filtered by the query parameters the
//! operation declares that are named like item fields, and paged by its declared `limit`/`offset`,
//! `page`/`per_page` or cursor parameters (a cursor here is the offset of the next page).

use serde_json::Value;

use super::{shape, State};
use crate::exchange::Reply;
use crate::spec::resources::{normalise, properties};
use crate::spec::walk;

/// The list answer, or `None` where the answer has no place for items (answered statelessly).
pub(super) fn list(at: &State<'_>) -> Option<Reply> {
    if !super::items::parent_exists(at) {
        return Some(super::missing::not_found(at, "the item these belong to does not exist"));
    }
    let document = at.document();
    let operation = at.answering.operation;
    let declared = declared_query(document, operation.template, operation.method);
    let query: Vec<(String, String)> =
        form_urlencoded::parse(at.answering.request.query.as_deref().unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .filter(|(k, _)| declared.contains(k))
            .collect();
    let fields: Vec<String> = properties(document, &at.resource().item_schema)
        .iter()
        .map(|(n, _)| (*n).to_string())
        .collect();
    let filters: Vec<(&String, &str)> = query
        .iter()
        .filter(|(k, _)| !is_paging(k))
        .filter_map(|(k, v)| {
            fields
                .iter()
                .find(|f| normalise(f) == normalise(k))
                .map(|f| (f, v.as_str()))
        })
        .collect();
    let scope = at.scope();
    let matching: Vec<Value> = at.read(|records| {
        records
            .list(at.role.target, &scope)
            .filter(|(_, record)| !record.is_null())
            .filter(|(_, record)| {
                filters
                    .iter()
                    .all(|(field, wanted)| matches(&record[field.as_str()], wanted))
            })
            .map(|(_, record)| record.clone())
            .collect()
    });
    let number = |names: &[&str]| {
        query
            .iter()
            .find(|(k, _)| names.contains(&normalise(k).as_str()))
            .and_then(|(_, v)| v.parse::<usize>().ok())
    };
    let limit = number(&["limit", "perpage", "pagesize", "size", "count", "max", "maxresults"]);
    let offset = number(&[
        "offset",
        "skip",
        "start",
        "cursor",
        "after",
        "pagetoken",
        "nextcursor",
        "startingafter",
    ])
    .or_else(|| {
        number(&["page"]).map(|page| {
            page.saturating_sub(1)
                .saturating_mul(limit.unwrap_or(matching.len().max(1)))
        })
    })
    .unwrap_or(0);
    let total = matching.len();
    let end = limit.map_or(total, |l| offset.saturating_add(l).min(total));
    let page: Vec<Value> = matching
        .into_iter()
        .skip(offset)
        .take(end.saturating_sub(offset))
        .collect();
    let next = (end < total).then(|| end.to_string());
    let reply = shape::list(
        at.answering,
        at.success_status(),
        &at.resource().name,
        &page,
        total,
        next,
    )?;
    Some(reply.in_state("list", "listed"))
}

/// The names of the operation's query parameters.
fn declared_query(document: &Value, template: &str, method: &str) -> Vec<String> {
    let item = &document["paths"][template];
    [&item[method.to_ascii_lowercase()]["parameters"], &item["parameters"]]
        .into_iter()
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| walk::resolve(document, p))
        .filter(|p| p["in"] == "query")
        .filter_map(|p| p["name"].as_str().map(str::to_string))
        .collect()
}

fn is_paging(name: &str) -> bool {
    matches!(
        normalise(name).as_str(),
        "limit" | "offset" | "page" | "perpage" | "pagesize" | "cursor" | "after" | "before" | "pagetoken" | "skip"
    )
}

/// Whether a stored value is what a query asked for (compared as text; an array holds it).
fn matches(value: &Value, wanted: &str) -> bool {
    match value {
        Value::String(text) => text == wanted,
        Value::Number(n) => n.to_string() == wanted,
        Value::Bool(b) => b.to_string() == wanted,
        Value::Array(items) => items.iter().any(|item| matches(item, wanted)),
        Value::Null | Value::Object(_) => false,
    }
}
