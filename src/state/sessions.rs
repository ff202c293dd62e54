//! A tenant's sessions of one vendor, by id (the vendor's session id, or its token where the token is
//! the session), listed in id order. Every vendor's state is one of these; the control API's create,
//! list, get and delete work on it the same way for every vendor.

use std::collections::BTreeMap;

/// Each session is boxed: a B-tree node has room for eleven entries however few it holds, and a
/// tenant often holds two or three sessions, so the node holds eleven pointers rather than room for
/// eleven sessions.
#[derive(Debug, Clone)]
pub struct Sessions<T> {
    by_id: BTreeMap<String, Box<T>>,
}

impl<T> Default for Sessions<T> {
    fn default() -> Self {
        Self { by_id: BTreeMap::new() }
    }
}

impl<T> Sessions<T> {
    /// Adds a session under a new id; an id in use is refused.
    pub fn insert_new(&mut self, id: String, session: T) -> Result<(), String> {
        if self.by_id.contains_key(&id) {
            return Err(format!("id {id} already exists"));
        }
        self.by_id.insert(id, Box::new(session));
        Ok(())
    }

    pub fn get(&self, id: &str) -> Option<&T> {
        self.by_id.get(id).map(Box::as_ref)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.by_id.get_mut(id).map(Box::as_mut)
    }

    pub fn remove(&mut self, id: &str) -> Option<T> {
        self.by_id.remove(id).map(|session| *session)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &T)> {
        self.by_id.iter().map(|(id, session)| (id, session.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_listed_in_order() {
        let mut sessions = Sessions::default();
        sessions.insert_new("b".into(), 2).unwrap();
        sessions.insert_new("a".into(), 1).unwrap();
        assert_eq!(sessions.insert_new("a".into(), 3), Err("id a already exists".into()));
        let ids: Vec<&String> = sessions.iter().map(|(id, _)| id).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(sessions.get_mut("b").map(|n| std::mem::replace(n, 4)), Some(2));
        assert_eq!(sessions.get("b"), Some(&4));
        assert_eq!(sessions.remove("a"), Some(1));
        assert!(sessions.get("a").is_none());
    }
}
