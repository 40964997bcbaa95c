//! Work shared over all cores, for the render and format stages: the files differ a lot in
//! size (from a few lines to a tenth of the crate), so threads do not get equal shares up front
//! but pull the next item from one queue, the largest first, until it is empty.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Threads to use: the cores available, at most 8.
pub fn threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(8)
}

/// `f` of every item, in the items' order, computed on [`threads`] new threads. Items are taken in decreasing `weight` (an estimate of their cost), so the last
/// items taken are small and no thread waits long for another at the end. A panic in `f` is
/// caught and comes back as `Err` for that item.
pub fn map<T, R, W, F>(items: &[T], weight: W, f: F) -> Vec<std::thread::Result<R>>
where
    T: Sync,
    R: Send,
    W: Fn(&T) -> usize,
    F: Fn(&T) -> R + Sync,
{
    let mut order: Vec<usize> = (0..items.len()).collect();
    // Stable: equal weights keep the items' order.
    order.sort_by_key(|&i| std::cmp::Reverse(weight(&items[i])));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            done.push((i, catch_unwind(AssertUnwindSafe(|| f(&items[i])))));
        }
        done
    };
    // The calling thread only waits: thread-local state of the work dies with the threads
    // (proc-macro2 keeps a copy of every text syn parses in a thread-local source map, for
    // span locations, which would otherwise grow with every run in a long-lived caller).
    let parts: Vec<Vec<(usize, std::thread::Result<R>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads().min(items.len())).map(|_| s.spawn(work)).collect();
        // `work` catches every panic of `f`, so a thread itself does not panic.
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    let mut slots: Vec<Option<std::thread::Result<R>>> = (0..items.len()).map(|_| None).collect();
    for (i, r) in parts.into_iter().flatten() {
        slots[i] = Some(r);
    }
    slots.into_iter().map(|r| r.expect("every item is taken by exactly one thread")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_in_order_and_panics_caught() {
        let items: Vec<usize> = (0..100).collect();
        let out = super::map(&items, |&i| i % 7, |&i| {
            assert_ne!(i, 42, "boom");
            i * 2
        });
        assert_eq!(out.len(), 100);
        for (i, r) in out.into_iter().enumerate() {
            match r {
                Ok(v) => assert_eq!(v, i * 2),
                Err(_) => assert_eq!(i, 42),
            }
        }
    }
}
