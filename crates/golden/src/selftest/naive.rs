//! The naive, definitional semantics of a block: brute force over counts, orders
//! per thread, multisets and token bags, sharing only the one-line matcher.

use super::*;

/// Is `texts` an instance of block `b`? Naive definitional semantics.
pub(crate) fn block_instance(
    spec: &Spec,
    b: usize,
    texts: &[String],
    sigma: &[Option<String>],
) -> bool {
    let block = &spec.blocks[b];
    let counted = |c: &crate::spec::Counted| {
        let k = texts.iter().filter(|t| c.re.is_match(t)).count();
        k >= c.min && c.max.is_none_or(|m| k <= m)
    };
    if !block.counted.iter().all(counted) {
        return false;
    }
    let all: Vec<usize> = (0..block.items.len()).collect();
    match block.kind {
        Kind::Tokens => {
            // Each reference line's tokens, in order, interleaved: plain
            // backtracking over which line takes each token.
            let want: Vec<Vec<&str>> = block.items.iter().map(|i| tokens(&i.text)).collect();
            let joined = texts.join("\n");
            let got = tokens(&joined);
            fn shuffle(want: &[Vec<&str>], p: &mut Vec<usize>, got: &[&str]) -> bool {
                let Some((first, rest)) = got.split_first() else {
                    return want.iter().zip(p.iter()).all(|(w, &k)| k == w.len());
                };
                for i in 0..want.len() {
                    if want[i].get(p[i]) == Some(first) {
                        p[i] += 1;
                        let ok = shuffle(want, p, rest);
                        p[i] -= 1;
                        if ok {
                            return true;
                        }
                    }
                }
                false
            }
            shuffle(&want, &mut vec![0; want.len()], &got)
        }
        Kind::Ordered => naive_seq(spec, block, &all, texts, sigma),
        Kind::Unordered => naive_bag(spec, block, texts, &mut vec![0; block.items.len()], sigma),
        Kind::Interleave => {
            let mut finder = spec.key.as_ref().map(KeyFinder::new);
            let mut want: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
            for (i, item) in block.items.iter().enumerate() {
                let key = item.key.as_ref().map(|k| run_key(spec, k.id, sigma));
                want.entry(key).or_default().push(i);
            }
            let mut got: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();
            let mut at: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
            for (pos, t) in texts.iter().enumerate() {
                let key = thread_of(spec, &mut finder, t);
                at.entry(key.clone()).or_default().push(pos);
                got.entry(key).or_default().push(t.clone());
            }
            // `%sync FROM -> TO`: FROM's first k_from lines before TO's line k_to.
            let synced = block.syncs.iter().all(|sy| {
                let pos = |id: u32| at.get(&Some(run_key(spec, id, sigma)));
                match (pos(sy.from), pos(sy.to)) {
                    (Some(f), Some(t))
                        if sy.k_from > 0 && sy.k_from <= f.len() && sy.k_to < t.len() =>
                    {
                        f[sy.k_from - 1] < t[sy.k_to]
                    }
                    _ => true,
                }
            });
            if !synced {
                return false;
            }
            got.keys().all(|k| want.contains_key(k))
                && want.iter().all(|(k, items)| {
                    naive_seq(
                        spec,
                        block,
                        items,
                        got.get(k).map_or(&[][..], Vec::as_slice),
                        sigma,
                    )
                })
        }
    }
}

/// Do `texts` match `items` in order, each within its count, each group of the
/// block repeated within its count, numeric variables following along? Plain
/// backtracking.
pub(super) fn naive_seq(
    spec: &Spec,
    block: &Block,
    items: &[usize],
    texts: &[String],
    sigma: &[Option<String>],
) -> bool {
    let groups = crate::group::local(&block.groups, items);
    let nv = Naive { spec, block, sigma };
    !nv.groups(items, &groups, texts, spec.num_init.clone())
        .is_empty()
}

/// The naive evaluation of one sequence; each step returns every set of numeric
/// values the lines can leave (none: no match).
struct Naive<'a> {
    spec: &'a Spec,
    block: &'a Block,
    sigma: &'a [Option<String>],
}

impl Naive<'_> {
    fn instance(&self, i: usize, text: &str, env: &Env) -> Option<Env> {
        let t = &self.spec.templates[self.block.items[i].tpl as usize];
        let mut e = env.clone();
        let mut b = Bind::fixed(self.sigma);
        let ok = if env.is_empty() {
            matches(t, text, &self.spec.cx(), &mut b)
        } else {
            matches_env(t, text, &self.spec.cx(), &mut b, &mut e)
        };
        ok.then_some(e)
    }

    fn groups(
        &self,
        items: &[usize],
        groups: &[crate::group::Group],
        texts: &[String],
        env: Env,
    ) -> Vec<Env> {
        // Items before the first group, then the group, then the rest.
        let Some(g) = groups.iter().min_by_key(|g| g.first) else {
            return self.plain(items, texts, env);
        };
        let (before, body, after) = (
            &items[..g.first],
            &items[g.first..g.first + g.len],
            &items[g.first + g.len..],
        );
        let rest: Vec<crate::group::Group> = groups
            .iter()
            .filter(|h| h.first > g.first)
            .map(|h| crate::group::Group {
                first: h.first - g.first - g.len,
                ..*h
            })
            .collect();
        let mut out = Vec::new();
        for a in 0..=texts.len() {
            for e in self.plain(before, &texts[..a], env.clone()) {
                out.extend(
                    self.repeats(g.min, g.max, body, &texts[a..], e, &mut |t, e| {
                        self.groups(after, &rest, t, e)
                    }),
                );
            }
        }
        dedup(out)
    }

    /// `body` matched `min..=max` times on a prefix of `texts`, then `rest` on
    /// the remainder.
    fn repeats(
        &self,
        min: usize,
        max: Option<usize>,
        body: &[usize],
        texts: &[String],
        env: Env,
        rest: &mut dyn FnMut(&[String], Env) -> Vec<Env>,
    ) -> Vec<Env> {
        let mut out = Vec::new();
        if min == 0 {
            out.extend(rest(texts, env.clone()));
        }
        if max == Some(0) {
            return dedup(out);
        }
        // A repetition beyond the required ones must take a line (or it changes nothing).
        let from = usize::from(min == 0);
        for t in from..=texts.len() {
            for e in self.plain(body, &texts[..t], env.clone()) {
                out.extend(self.repeats(
                    min.saturating_sub(1),
                    max.map(|m| m - 1),
                    body,
                    &texts[t..],
                    e,
                    rest,
                ));
            }
        }
        dedup(out)
    }

    /// `texts` against `items` in order, each within its count.
    fn plain(&self, items: &[usize], texts: &[String], env: Env) -> Vec<Env> {
        let Some((&first, rest)) = items.split_first() else {
            return if texts.is_empty() {
                vec![env]
            } else {
                Vec::new()
            };
        };
        let it = &self.block.items[first];
        let max = it.max.unwrap_or(usize::MAX).min(texts.len());
        let mut out = Vec::new();
        let mut cur = env;
        let mut taken = 0;
        loop {
            if taken >= it.min {
                out.extend(self.plain(rest, &texts[taken..], cur.clone()));
            }
            if taken == max {
                break;
            }
            match self.instance(first, &texts[taken], &cur) {
                Some(e) => cur = e,
                None => break,
            }
            taken += 1;
        }
        dedup(out)
    }
}

pub(super) fn dedup(mut v: Vec<Env>) -> Vec<Env> {
    v.sort();
    v.dedup();
    v
}

/// Can every line be given to an item, each item within its count? Backtracking.
pub(super) fn naive_bag(
    spec: &Spec,
    block: &Block,
    texts: &[String],
    used: &mut Vec<usize>,
    sigma: &[Option<String>],
) -> bool {
    let Some((first, rest)) = texts.split_first() else {
        return block
            .items
            .iter()
            .zip(used.iter())
            .all(|(it, u)| *u >= it.min);
    };
    for i in 0..block.items.len() {
        let it = &block.items[i];
        if it.max.is_none_or(|mx| used[i] < mx) && instance(spec, block, i, first, sigma) {
            used[i] += 1;
            let ok = naive_bag(spec, block, rest, used, sigma);
            used[i] -= 1;
            if ok {
                return true;
            }
        }
    }
    false
}
