//! A walk over every page of the list endpoint that ends, whatever the server claims.

use std::collections::HashSet;

use super::error::ApiError;
use super::model::Page;

/// Pages a server may add beyond what its first answer announced (records created meanwhile).
const SLACK_PAGES: u64 = 2;

/// Guards a walk over every page: the walk ends after the page count the first answer gave,
/// and stops with an error when the server repeats a page or contradicts itself, so a
/// broken or hostile server can never keep a client walking forever.
#[derive(Debug)]
pub struct PageWalk {
    last_page: u64,
    seen: HashSet<String>,
}

impl PageWalk {
    /// Starts a walk from the answer for page 1 fetched with `limit` rows a page.
    pub fn new(first: &Page, limit: u64) -> Result<Self, ApiError> {
        let meta = first.meta;
        // The server may use a page size of its own: trust the one it reports, if any.
        let per_page = if meta.items_per_page > 0 {
            meta.items_per_page
        } else {
            limit.max(1)
        };
        let fits = meta.total_items.div_ceil(per_page) + SLACK_PAGES;
        if meta.total_pages > fits {
            return Err(ApiError::Paging {
                detail: format!(
                    "the server claims {} pages for {} prospects of {per_page} a page",
                    meta.total_pages, meta.total_items
                ),
            });
        }
        let mut walk = PageWalk {
            last_page: meta.total_pages.max(1),
            seen: HashSet::new(),
        };
        walk.check(1, first)?;
        Ok(walk)
    }

    /// The last page the walk will fetch.
    pub fn last_page(&self) -> u64 {
        self.last_page
    }

    /// Whether page `n` is still part of the walk.
    pub fn wants(&self, n: u64) -> bool {
        n <= self.last_page
    }

    /// Checks the answer for page `n`: an error when it is another page, or holds only
    /// records this walk has already seen (the same page again).
    pub fn check(&mut self, n: u64, page: &Page) -> Result<(), ApiError> {
        if n > self.last_page + SLACK_PAGES {
            return Err(ApiError::Paging {
                detail: format!(
                    "page {n} is past the {} pages the server announced",
                    self.last_page
                ),
            });
        }
        let current = page.meta.current_page;
        if current != 0 && current != n {
            return Err(ApiError::Paging {
                detail: format!("asked for page {n}, the server answered page {current}"),
            });
        }
        let mut fresh = false;
        for p in &page.items {
            fresh |= self.seen.insert(p.id.clone());
        }
        if !page.items.is_empty() && !fresh {
            return Err(ApiError::Paging {
                detail: format!("page {n} repeats records the server already sent"),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{PageMeta, Prospect};

    fn page(n: u64, ids: &[&str], total_pages: u64, total_items: u64) -> Page {
        Page {
            items: ids
                .iter()
                .map(|id| Prospect {
                    id: id.to_string(),
                    ..Default::default()
                })
                .collect(),
            meta: PageMeta {
                current_page: n,
                item_count: ids.len() as u64,
                items_per_page: 2,
                total_items,
                total_pages,
            },
        }
    }

    #[test]
    fn an_honest_walk_passes() {
        let mut w = PageWalk::new(&page(1, &["a", "b"], 2, 3), 2).unwrap();
        assert!(w.wants(2) && !w.wants(3));
        w.check(2, &page(2, &["c"], 2, 3)).unwrap();
    }

    #[test]
    fn a_repeated_page_or_an_endless_claim_stops_the_walk() {
        let endless = page(1, &["a", "b"], 1 << 62, 1 << 63);
        let mut w = PageWalk::new(&endless, 100).unwrap();
        let again = w.check(2, &page(2, &["a", "b"], 1 << 62, 1 << 62));
        assert!(
            again.unwrap_err().to_string().contains("repeats records"),
            "the same page again"
        );
        let e = PageWalk::new(&page(1, &["a", "b"], 1 << 62, 10), 2).unwrap_err();
        assert!(e.to_string().contains("claims"), "{e}");
        let mut w = PageWalk::new(&page(1, &["a", "b"], 2, 4), 2).unwrap();
        let e = w.check(2, &page(7, &["c"], 2, 4)).unwrap_err();
        assert!(e.to_string().contains("answered page 7"), "{e}");
        assert!(w.check(5, &page(5, &["d"], 2, 4)).is_err());
    }
}
