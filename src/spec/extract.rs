//! Extracts the OpenAPI document from a vendor documentation page: the body of its fenced
//! ```` ```yaml ```` block, byte for byte. This is how `specs/*.yaml` were made, and how they are refreshed
//! from a newer copy of a page (`understudy spec extract PAGE`).

use std::fmt;

/// Why a page gave no document.
#[derive(Debug, PartialEq, Eq)]
pub enum ExtractError {
    NoYamlBlock,
    Unterminated { opened_at_line: usize },
    MoreThanOneBlock { second_at_line: usize },
}

impl fmt::Display for ExtractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoYamlBlock => write!(f, "the page has no fenced ```yaml block"),
            Self::Unterminated { opened_at_line } => {
                write!(f, "the yaml block opened at line {opened_at_line} is never closed")
            }
            Self::MoreThanOneBlock { second_at_line } => {
                write!(
                    f,
                    "the page has a second yaml block at line {second_at_line}; expected one"
                )
            }
        }
    }
}

impl std::error::Error for ExtractError {}

/// The text between the opening fence (a line of three or more backticks followed by `yaml`) and the
/// closing fence of the same length. Inner fences with fewer backticks (code samples inside
/// descriptions) belong to the document.
pub fn openapi_yaml(page: &str) -> Result<&str, ExtractError> {
    let mut found: Option<&str> = None;
    let mut offset = 0;
    let mut lines = page.split_inclusive('\n').enumerate();
    while let Some((index, line)) = lines.next() {
        offset += line.len();
        let Some(fence) = opening_fence(line) else { continue };
        if found.is_some() {
            return Err(ExtractError::MoreThanOneBlock {
                second_at_line: index + 1,
            });
        }
        let body_start = offset;
        let mut closed = false;
        for (_, inner) in lines.by_ref() {
            let inner_start = offset;
            offset += inner.len();
            if inner.trim_end_matches(['\n', '\r']) == fence {
                found = Some(&page[body_start..inner_start]);
                closed = true;
                break;
            }
        }
        if !closed {
            return Err(ExtractError::Unterminated {
                opened_at_line: index + 1,
            });
        }
    }
    found.ok_or(ExtractError::NoYamlBlock)
}

/// The fence (the run of backticks) when `line` opens a yaml block.
fn opening_fence(line: &str) -> Option<&str> {
    let ticks = line.len() - line.trim_start_matches('`').len();
    (ticks >= 3 && line[ticks..].starts_with("yaml")).then(|| &line[..ticks])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_block_between_matching_fences_and_keeps_shorter_inner_fences() {
        let page = "intro\n````yaml get /x\na: 1\n```\ncode\n```\n\n````\nafter\n";
        assert_eq!(openapi_yaml(page), Ok("a: 1\n```\ncode\n```\n\n"));
    }

    #[test]
    fn reports_missing_unterminated_and_repeated_blocks() {
        assert_eq!(openapi_yaml("no block here"), Err(ExtractError::NoYamlBlock));
        assert_eq!(
            openapi_yaml("x\n```yaml\na: 1\n"),
            Err(ExtractError::Unterminated { opened_at_line: 2 })
        );
        assert_eq!(
            openapi_yaml("```yaml\na\n```\n```yaml\nb\n```\n"),
            Err(ExtractError::MoreThanOneBlock { second_at_line: 4 })
        );
    }
}
