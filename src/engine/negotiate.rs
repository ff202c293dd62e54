//! Content negotiation: of the media types a response documents, the one the request's `Accept`
//! prefers (RFC 9110's quality values and wildcards); JSON first when anything goes. `None` only
//! when nothing documented fits: a 406.

/// The documented media type to answer with, given the request's `Accept` (absent: anything).
pub(crate) fn choose<'a>(documented: &[&'a str], accept: Option<&str>) -> Option<&'a str> {
    if documented.is_empty() {
        return None;
    }
    // JSON first, then the document's order: what a client that accepts anything most likely reads.
    let mut ordered: Vec<&'a str> = documented.to_vec();
    ordered.sort_by_key(|m| match essence(m).as_str() {
        "application/json" => 0,
        _ if crate::spec::is_json_media(m) => 1,
        _ => 2,
    });
    let ranges = match accept.map(str::trim).filter(|a| !a.is_empty()) {
        None => return ordered.first().copied(),
        Some(accept) => parse(accept),
    };
    let mut best: Option<(&'a str, f32, usize)> = None;
    for media in ordered {
        let essence = essence(media);
        // The most specific range that matches decides the media type's quality.
        let matched = ranges
            .iter()
            .filter(|(range, _)| matches(range, &essence))
            .max_by_key(|(range, _)| specificity(range));
        let Some((range, quality)) = matched else { continue };
        if *quality <= 0.0 {
            continue;
        }
        let rank = specificity(range);
        if best.is_none_or(|(_, q, r)| *quality > q || (*quality == q && rank > r)) {
            best = Some((media, *quality, rank));
        }
    }
    best.map(|(media, _, _)| media)
}

fn essence(media: &str) -> String {
    media.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// `Accept`'s ranges with their quality (`q=`, 1 when absent).
fn parse(accept: &str) -> Vec<(String, f32)> {
    accept
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let range = pieces.next()?.trim().to_ascii_lowercase();
            if range.is_empty() {
                return None;
            }
            let quality = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            Some((range, quality))
        })
        .collect()
}

fn matches(range: &str, media: &str) -> bool {
    if range == "*/*" || range == "*" || range == media {
        return true;
    }
    let (range_type, range_sub) = range.split_once('/').unwrap_or((range, ""));
    let (media_type, media_sub) = media.split_once('/').unwrap_or((media, ""));
    // A documented wildcard (`*/*`, `application/*`) takes any request range of its kind.
    (range_sub == "*" && range_type == media_type) || media == "*/*" || (media_sub == "*" && media_type == range_type)
}

fn specificity(range: &str) -> usize {
    match range {
        "*/*" | "*" => 0,
        r if r.ends_with("/*") => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_chosen_when_anything_goes() {
        assert_eq!(
            choose(&["application/xml", "application/json"], None),
            Some("application/json")
        );
        assert_eq!(
            choose(&["application/xml", "application/json"], Some("*/*")),
            Some("application/json")
        );
    }

    #[test]
    fn quality_values_and_specific_ranges_decide() {
        let documented = ["application/json", "text/csv"];
        assert_eq!(choose(&documented, Some("text/csv")), Some("text/csv"));
        assert_eq!(
            choose(&documented, Some("application/json;q=0.5, text/*;q=0.9")),
            Some("text/csv")
        );
        assert_eq!(choose(&documented, Some("text/*;q=0, */*")), Some("application/json"));
    }

    #[test]
    fn nothing_documented_fits_gives_none() {
        assert_eq!(choose(&["application/json"], Some("text/html")), None);
        assert_eq!(
            choose(&["application/problem+json"], Some("application/*")),
            Some("application/problem+json")
        );
    }
}
