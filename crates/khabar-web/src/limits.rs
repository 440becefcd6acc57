//! What one client may hold: connections, the time it may take to send a
//! request's head or stay silent, and live streams. The `[limits]` section
//! of the configuration.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The `[limits]` section: each value bounds what one client can take
/// from everyone else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Seconds a client gets to send a request's head, counted from the
    /// connection's start or, on a kept-alive HTTP/1.1 connection, from
    /// the end of the previous answer (so it is also the keep-alive idle
    /// time of HTTP/1.1).
    pub header_timeout: u64,
    /// Seconds a connection may pass without a byte either way before it
    /// is closed (HTTP/2 included; live streams send a comment every 15 s).
    pub idle_timeout: u64,
    /// Open connections in all; at the cap the server stops accepting and
    /// new ones wait in the kernel's queue.
    pub max_connections: usize,
    /// Open connections from one address (trusted proxies are exempt:
    /// they must limit their own clients).
    pub connections_per_address: usize,
    /// Live comment streams open from one reader's address.
    pub live_streams_per_address: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: 10,
            idle_timeout: 60,
            max_connections: 4_096,
            connections_per_address: 64,
            live_streams_per_address: 8,
        }
    }
}

impl Limits {
    pub fn header_timeout(&self) -> Duration {
        Duration::from_secs(self.header_timeout)
    }

    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout)
    }

    /// The key and what is wrong with it, for the first value no server
    /// could work with.
    pub fn check(&self) -> Result<(), (&'static str, &'static str)> {
        let zero = [
            ("limits.header_timeout", self.header_timeout == 0),
            ("limits.idle_timeout", self.idle_timeout == 0),
            ("limits.max_connections", self.max_connections == 0),
            (
                "limits.connections_per_address",
                self.connections_per_address == 0,
            ),
            (
                "limits.live_streams_per_address",
                self.live_streams_per_address == 0,
            ),
        ];
        match zero.into_iter().find(|(_, is_zero)| *is_zero) {
            Some((key, _)) => Err((key, "must be at least 1")),
            None => Ok(()),
        }
    }
}

/// How many of something each key (an address) holds, up to a cap.
pub(crate) struct PerKey<K: Eq + Hash> {
    cap: usize,
    counts: Mutex<HashMap<K, usize>>,
}

/// One held unit; dropping it gives it back.
pub(crate) struct Held<K: Eq + Hash + Clone> {
    owner: Arc<PerKey<K>>,
    key: K,
}

impl<K: Eq + Hash + Clone> PerKey<K> {
    pub(crate) fn new(cap: usize) -> Arc<PerKey<K>> {
        Arc::new(PerKey {
            cap,
            counts: Mutex::default(),
        })
    }

    /// Units held, all keys together.
    pub(crate) fn total(&self) -> usize {
        let counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        counts.values().sum()
    }

    /// One more for `key`, or none when it already holds the cap.
    pub(crate) fn take(self: &Arc<Self>, key: K) -> Option<Held<K>> {
        // A poisoned count is still a count: a panic elsewhere must not
        // stop every connection.
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let count = counts.entry(key.clone()).or_default();
        if *count >= self.cap {
            return None;
        }
        *count += 1;
        Some(Held {
            owner: self.clone(),
            key,
        })
    }
}

impl<K: Eq + Hash + Clone> Drop for Held<K> {
    fn drop(&mut self) {
        let mut counts = self.owner.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = counts.get_mut(&self.key) {
            *count -= 1;
            // Forget addresses that hold nothing, so the map stays small.
            if *count == 0 {
                counts.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_holds_up_to_the_cap_and_gets_units_back() {
        let tally = PerKey::new(2);
        let a = tally.take("a").unwrap();
        let _b = tally.take("a").unwrap();
        assert!(tally.take("a").is_none());
        assert!(tally.take("b").is_some());
        drop(a);
        assert!(tally.take("a").is_some());
        drop(tally.take("c"));
        assert!(!tally.counts.lock().unwrap().contains_key("c"));
    }

    #[test]
    fn zero_limits_are_refused_by_name() {
        let limits = Limits {
            idle_timeout: 0,
            ..Limits::default()
        };
        assert_eq!(
            limits.check(),
            Err(("limits.idle_timeout", "must be at least 1"))
        );
        assert_eq!(Limits::default().check(), Ok(()));
    }
}
