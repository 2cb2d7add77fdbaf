//! Data parallelism for the long stages (logical table, line breaking):
//! a map over contiguous chunks on all cores, equal to the sequential map.

/// `items.iter().map(f).collect()`, in contiguous chunks on all cores for
/// long inputs (short ones stay on the calling thread).
pub fn map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).clamp(1, 8);
    let chunk = items.len().div_ceil(threads).max(256);
    if items.len() <= chunk {
        return items.iter().map(&f).collect();
    }
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> =
            items.chunks(chunk).map(|c| s.spawn(move || c.iter().map(f).collect::<Vec<U>>())).collect();
        let mut out = Vec::with_capacity(items.len());
        for h in handles {
            out.extend(h.join().expect("worker panicked"));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn same_as_the_sequential_map() {
        for n in [0, 1, 255, 256, 257, 1000, 10_001] {
            let items: Vec<usize> = (0..n).collect();
            assert_eq!(super::map(&items, |x| x * 3 + 1), items.iter().map(|x| x * 3 + 1).collect::<Vec<_>>());
        }
    }
}
