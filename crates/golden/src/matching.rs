//! Bipartite matching (Hopcroft–Karp) and maximum flow (Dinic).
//!
//! Both give a *maximum* matching, never a first-fit one: a wildcard that could take
//! the line an exact pattern needs gives it back through an augmenting path.

use std::collections::VecDeque;

const NONE: u32 = u32::MAX;

/// Maximum matching of a bipartite graph; `adj[l]` lists the right vertices of `l`.
///
/// Returns, for each left vertex, its partner. O(E·√V).
pub(crate) fn hopcroft_karp<A: AsRef<[u32]>>(n_right: usize, adj: &[A]) -> Vec<Option<u32>> {
    grow(n_right, adj, vec![NONE; adj.len()])
}

/// A maximum matching that covers every left vertex marked `first` whenever some
/// matching does: those are matched first, and augmenting paths never unmatch a
/// vertex, so growing the matching to a maximum one keeps them matched.
pub(crate) fn hopcroft_karp_first(
    n_right: usize,
    adj: &[Vec<u32>],
    first: &[bool],
) -> Vec<Option<u32>> {
    let only: Vec<&[u32]> = adj
        .iter()
        .zip(first)
        .map(|(e, &f)| if f { e.as_slice() } else { &[] })
        .collect();
    let start: Vec<u32> = grow(n_right, &only, vec![NONE; adj.len()])
        .into_iter()
        .map(|m| m.unwrap_or(NONE))
        .collect();
    grow(n_right, adj, start)
}

/// Hopcroft–Karp from an initial matching `mate_l`.
fn grow<A: AsRef<[u32]>>(n_right: usize, adj: &[A], mut mate_l: Vec<u32>) -> Vec<Option<u32>> {
    let n_left = adj.len();
    let mut mate_r = vec![NONE; n_right];
    for (l, &r) in mate_l.iter().enumerate() {
        if r != NONE {
            mate_r[r as usize] = l as u32;
        }
    }
    let mut dist = vec![0u32; n_left];
    // Greedy start: most graphs are nearly matched by it.
    for (l, edges) in adj.iter().map(AsRef::as_ref).enumerate() {
        if mate_l[l] != NONE {
            continue;
        }
        if let Some(&r) = edges.iter().find(|&&r| mate_r[r as usize] == NONE) {
            mate_l[l] = r;
            mate_r[r as usize] = l as u32;
        }
    }
    loop {
        // BFS from free left vertices, layering by alternating paths.
        let mut queue = VecDeque::new();
        for l in 0..n_left {
            if mate_l[l] == NONE {
                dist[l] = 0;
                queue.push_back(l as u32);
            } else {
                dist[l] = NONE;
            }
        }
        let mut found = false;
        while let Some(l) = queue.pop_front() {
            for &r in adj[l as usize].as_ref() {
                let m = mate_r[r as usize];
                if m == NONE {
                    found = true;
                } else if dist[m as usize] == NONE {
                    dist[m as usize] = dist[l as usize] + 1;
                    queue.push_back(m);
                }
            }
        }
        if !found {
            break;
        }
        let mut progress = false;
        let mut next = vec![0usize; n_left];
        for l in 0..n_left {
            if mate_l[l] == NONE && augment(l, adj, &mut mate_l, &mut mate_r, &mut dist, &mut next)
            {
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
    mate_l
        .into_iter()
        .map(|r| (r != NONE).then_some(r))
        .collect()
}

/// Iterative DFS along the BFS layers from free left vertex `start`.
fn augment<A: AsRef<[u32]>>(
    start: usize,
    adj: &[A],
    mate_l: &mut [u32],
    mate_r: &mut [u32],
    dist: &mut [u32],
    next: &mut [usize],
) -> bool {
    let mut stack: Vec<usize> = vec![start];
    let mut via: Vec<u32> = Vec::new();
    while let Some(&l) = stack.last() {
        let mut advanced = false;
        let edges = adj[l].as_ref();
        while next[l] < edges.len() {
            let r = edges[next[l]];
            next[l] += 1;
            let m = mate_r[r as usize];
            if m == NONE {
                // Flip the path: stack[i] takes via[i], the last takes r.
                via.push(r);
                for (i, &ll) in stack.iter().enumerate() {
                    let rr = via[i];
                    mate_l[ll] = rr;
                    mate_r[rr as usize] = ll as u32;
                }
                return true;
            }
            if dist[m as usize] == dist[l] + 1 {
                via.push(r);
                stack.push(m as usize);
                advanced = true;
                break;
            }
        }
        if !advanced {
            dist[l] = NONE;
            stack.pop();
            via.pop();
        }
    }
    false
}

/// A flow network for Dinic's algorithm. Edges are listed as they are added and
/// arranged by tail node (one flat array) when the flow is computed: a node
/// costs 4 bytes, not a list of its own (millions of nodes in an `%unordered`
/// block of a million distinct lines).
pub(crate) struct Flow {
    nodes: usize,
    to: Vec<u32>,
    cap: Vec<u64>,
    /// Edge ids by tail node: those of node `v` are `adj[start[v]..start[v + 1]]`.
    start: Vec<u32>,
    adj: Vec<u32>,
}

impl Flow {
    pub(crate) fn new(nodes: usize) -> Self {
        Flow {
            nodes,
            to: Vec::new(),
            cap: Vec::new(),
            start: Vec::new(),
            adj: Vec::new(),
        }
    }

    /// Room for `edges` more edges: a network of millions is sized once, not
    /// regrown.
    pub(crate) fn reserve(&mut self, edges: usize) {
        self.to.reserve(2 * edges);
        self.cap.reserve(2 * edges);
    }

    /// Add an edge; returns its id (its flow is read with [`Flow::flow_on`]).
    pub(crate) fn edge(&mut self, a: usize, b: usize, cap: u64) -> usize {
        let id = self.to.len();
        self.to.push(b as u32);
        self.cap.push(cap);
        self.to.push(a as u32);
        self.cap.push(0);
        id
    }

    /// Arrange the edge ids by tail node (the tail of edge `e` is the head of `e ^ 1`).
    fn arrange(&mut self) {
        if self.adj.len() == self.to.len() && !self.start.is_empty() {
            return;
        }
        let mut start = vec![0u32; self.nodes + 1];
        for e in 0..self.to.len() {
            start[self.to[e ^ 1] as usize + 1] += 1;
        }
        for v in 0..self.nodes {
            start[v + 1] += start[v];
        }
        let mut fill = start.clone();
        let mut adj = vec![0u32; self.to.len()];
        for e in 0..self.to.len() {
            let v = self.to[e ^ 1] as usize;
            adj[fill[v] as usize] = e as u32;
            fill[v] += 1;
        }
        self.start = start;
        self.adj = adj;
    }

    fn out(&self, v: usize) -> &[u32] {
        &self.adj[self.start[v] as usize..self.start[v + 1] as usize]
    }

    /// Flow pushed along edge `id` (the residual of its reverse edge).
    pub(crate) fn flow_on(&self, id: usize) -> u64 {
        self.cap[id ^ 1]
    }

    /// Maximum flow from `s` to `t`.
    pub(crate) fn max_flow(&mut self, s: usize, t: usize) -> u64 {
        self.arrange();
        let n = self.nodes;
        let mut total = 0;
        loop {
            let mut level = vec![u32::MAX; n];
            level[s] = 0;
            let mut queue = VecDeque::from([s]);
            while let Some(v) = queue.pop_front() {
                for &e in self.out(v) {
                    let (e, w) = (e as usize, self.to[e as usize] as usize);
                    if self.cap[e] > 0 && level[w] == u32::MAX {
                        level[w] = level[v] + 1;
                        queue.push_back(w);
                    }
                }
            }
            if level[t] == u32::MAX {
                return total;
            }
            let mut it = vec![0usize; n];
            loop {
                let pushed = self.push(s, t, u64::MAX, &level, &mut it);
                if pushed == 0 {
                    break;
                }
                total += pushed;
            }
        }
    }

    fn push(&mut self, s: usize, t: usize, limit: u64, level: &[u32], it: &mut [usize]) -> u64 {
        // Iterative DFS for one augmenting path in the level graph.
        let mut path: Vec<usize> = Vec::new();
        let mut v = s;
        loop {
            if v == t {
                let f = path
                    .iter()
                    .map(|&e| self.cap[e])
                    .min()
                    .unwrap_or(limit)
                    .min(limit);
                for &e in &path {
                    self.cap[e] -= f;
                    self.cap[e ^ 1] += f;
                }
                return f;
            }
            let mut moved = false;
            while it[v] < self.out(v).len() {
                let e = self.out(v)[it[v]] as usize;
                let w = self.to[e] as usize;
                if self.cap[e] > 0 && level[w] == level[v] + 1 {
                    path.push(e);
                    v = w;
                    moved = true;
                    break;
                }
                it[v] += 1;
            }
            if !moved {
                let Some(e) = path.pop() else { return 0 };
                v = self.to[e ^ 1] as usize;
                it[v] += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn augmenting_path_frees_the_exact_partner() {
        // Left 0 (a wildcard) can take right 0 or 1; left 1 (exact) only right 0.
        let adj = vec![vec![0, 1], vec![0]];
        let m = hopcroft_karp(2, &adj);
        assert_eq!(m, vec![Some(1), Some(0)]);
    }

    #[test]
    fn required_vertices_stay_matched() {
        // Left 0 is optional and grabs right 0 greedily; left 1 (required) needs it.
        let adj = vec![vec![0], vec![0]];
        let m = hopcroft_karp_first(1, &adj, &[false, true]);
        assert_eq!(m, vec![None, Some(0)]);
        let adj = vec![vec![0, 1], vec![0], vec![1]];
        let m = hopcroft_karp_first(2, &adj, &[false, true, true]);
        assert_eq!(m, vec![None, Some(0), Some(1)]);
    }

    #[test]
    fn deficient_graph_is_reported() {
        let adj = vec![vec![0], vec![0], vec![1]];
        let m = hopcroft_karp(2, &adj);
        assert_eq!(m.iter().filter(|x| x.is_some()).count(), 2);
    }

    #[test]
    fn dinic_respects_capacities() {
        let mut f = Flow::new(4);
        f.edge(0, 1, 3);
        f.edge(0, 2, 2);
        let e = f.edge(1, 3, 1);
        f.edge(2, 3, 5);
        f.edge(1, 2, 10);
        assert_eq!(f.max_flow(0, 3), 5);
        assert_eq!(f.flow_on(e), 1);
    }
}
