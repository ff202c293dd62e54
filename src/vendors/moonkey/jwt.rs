//! MoonKey session JWTs: RS256, a 300-second lifetime, and the session under the claim
//! `https://streambird.io/jwt/session`, as the vendor's SDKs read them.
//!
//! The key pair is the mock's own, committed beside this file: it signs nothing real. Expiry is
//! checked against the server's clock (not the system's), so the clock can move it.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const LIFETIME_SECS: i64 = 300;
pub const ISSUER: &str = "https://api.moonkey.fun";
/// The `kid` of the mock's signing key.
pub const KEY_ID: &str = "understudy-moonkey-mock";

/// The public half is `mock_jwt_public_key.pem` beside this file, for clients that verify session
/// JWTs locally.
const PRIVATE_KEY_PEM: &[u8] = include_bytes!("mock_jwt_private_key.pem");
const PUBLIC_KEY_PEM: &[u8] = include_bytes!("mock_jwt_public_key.pem");

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    iat: i64,
    nbf: i64,
    exp: i64,
    #[serde(rename = "https://streambird.io/jwt/session")]
    session: SessionClaim,
}

#[derive(Debug, Serialize, Deserialize)]
struct SessionClaim {
    session_id: String,
    started_at: String,
    last_accessed_at: String,
    expires_at: String,
}

/// Why a JWT names no session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtError {
    /// Not a JWT, not RS256, or not signed by this server's key.
    Invalid,
    /// Signed by this server, but past its `exp`.
    Expired,
}

struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        // Both PEMs are committed files checked by the tests: a parse failure is a broken build.
        encoding: EncodingKey::from_rsa_pem(PRIVATE_KEY_PEM).expect("the committed private key parses"),
        decoding: DecodingKey::from_rsa_pem(PUBLIC_KEY_PEM).expect("the committed public key parses"),
    })
}

/// Issues a JWT for a session at `now`.
pub fn issue(session_id: &str, user_id: &str, started_at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let exp = now.timestamp() + LIFETIME_SECS;
    let claims = Claims {
        sub: user_id.to_string(),
        iss: ISSUER.to_string(),
        iat: now.timestamp(),
        nbf: now.timestamp(),
        exp,
        session: SessionClaim {
            session_id: session_id.to_string(),
            started_at: started_at.to_rfc3339(),
            last_accessed_at: now.to_rfc3339(),
            expires_at: DateTime::from_timestamp(exp, 0).unwrap_or(now).to_rfc3339(),
        },
    };
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KEY_ID.to_string());
    // RS256 with a valid key over serialisable claims: jsonwebtoken has nothing to refuse.
    jsonwebtoken::encode(&header, &claims, &keys().encoding).expect("signing with the mock key")
}

/// The session id a JWT names, when it is this server's and not expired at `now`.
pub fn verify(token: &str, now: DateTime<Utc>) -> Result<String, JwtError> {
    let mut validation = Validation::new(Algorithm::RS256);
    // Expiry is checked below against the server's clock, not the system clock.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.required_spec_claims.clear();
    let data = jsonwebtoken::decode::<Claims>(token, &keys().decoding, &validation).map_err(|_| JwtError::Invalid)?;
    if now.timestamp() >= data.claims.exp {
        return Err(JwtError::Expired);
    }
    Ok(data.claims.session.session_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    #[test]
    fn an_issued_jwt_names_its_session_until_it_expires() {
        let now = Utc::now();
        let token = issue("sess_abc", "user_x", now, now);
        assert_eq!(verify(&token, now), Ok("sess_abc".to_string()));
        assert_eq!(
            verify(&token, now + TimeDelta::seconds(LIFETIME_SECS - 1)),
            Ok("sess_abc".to_string())
        );
        assert_eq!(
            verify(&token, now + TimeDelta::seconds(LIFETIME_SECS)),
            Err(JwtError::Expired)
        );
    }

    #[test]
    fn the_session_sits_under_the_vendors_claim_with_a_300_second_lifetime() {
        let now = Utc::now();
        let token = issue("sess_abc", "user_x", now, now);
        let mut validation = Validation::new(Algorithm::RS256);
        validation.required_spec_claims.clear();
        let claims = jsonwebtoken::decode::<serde_json::Value>(&token, &keys().decoding, &validation)
            .unwrap()
            .claims;
        assert_eq!(claims["https://streambird.io/jwt/session"]["session_id"], "sess_abc");
        assert_eq!(claims["sub"], "user_x");
        assert_eq!(
            claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
            LIFETIME_SECS
        );
    }

    #[test]
    fn a_tampered_or_foreign_jwt_is_invalid() {
        let now = Utc::now();
        let token = issue("sess_abc", "user_x", now, now);
        let (head, signature) = token.rsplit_once('.').unwrap();
        let tampered = format!("{head}.{}", signature.chars().rev().collect::<String>());
        assert_eq!(verify(&tampered, now), Err(JwtError::Invalid));
        assert_eq!(verify("not.a.jwt", now), Err(JwtError::Invalid));
        let hs256 = jsonwebtoken::encode(
            &Header::default(),
            &serde_json::json!({"exp": now.timestamp() + 60}),
            &EncodingKey::from_secret(b"secret").expect("an HMAC key"),
        )
        .unwrap();
        assert_eq!(verify(&hs256, now), Err(JwtError::Invalid));
    }
}
