//! Rules of one protocol that split one numeric fact into bands (days since
//! the marathon, temperature): the shared part of the gap and overlap
//! lints. Each rule is a box (Calvanese et al.'s DMN analysis); rules whose
//! boxes agree on everything but one numeric slot form a family, and a sweep
//! along that slot finds what no band covers and what two bands cover.

use super::super::domain::{Cell, Cube, Interval, SlotKind};
use super::super::Context;
use crate::program::Slot;

pub struct Band {
    pub rule: usize,
    pub interval: Interval,
}

pub struct Family {
    pub slot: Slot,
    /// What the rules share besides the slot (`last_session.kind is race`).
    pub context: Cube,
    /// Sorted by lower bound.
    pub bands: Vec<Band>,
}

impl Family {
    /// The example cube: the shared context with the slot in `interval`.
    pub fn cube(&self, interval: Interval) -> Cube {
        let mut cube = self.context.clone();
        cube.cells.insert(self.slot, Cell::Num(interval));
        cube
    }
}

pub fn families(cx: &Context<'_>) -> Vec<Family> {
    let mut out: Vec<(usize, Family)> = Vec::new();
    // The families of each (protocol, slot), as indexes into `out`: a rule
    // is compared only with the families it could join.
    let mut by_slot: std::collections::HashMap<(usize, Slot), Vec<usize>> = std::collections::HashMap::new();
    for (index, rule) in cx.program.rules.iter().enumerate() {
        let Some(info) = cx.rules.get(index).filter(|r| r.own) else { continue };
        let [cube] = info.when.0.as_slice() else { continue };
        for (slot, cell) in &cube.cells {
            let Cell::Num(interval) = cell else { continue };
            let Some(SlotKind::Num(range)) = cx.universe.info(*slot).map(|i| &i.kind) else { continue };
            if interval.covers(range) {
                continue;
            }
            let mut context = cube.clone();
            context.cells.remove(slot);
            let band = Band { rule: index, interval: *interval };
            let candidates = by_slot.entry((rule.protocol, *slot)).or_default();
            match candidates.iter().copied().find(|&i| out.get(i).is_some_and(|(_, f)| f.context == context)) {
                Some(i) => {
                    if let Some((_, family)) = out.get_mut(i) {
                        family.bands.push(band);
                    }
                }
                None => {
                    candidates.push(out.len());
                    out.push((rule.protocol, Family { slot: *slot, context, bands: vec![band] }));
                }
            }
        }
    }
    out.into_iter()
        .map(|(_, mut f)| {
            f.bands.sort_by(|a, b| {
                a.interval.lo.total_cmp(&b.interval.lo).then(b.interval.lo_closed.cmp(&a.interval.lo_closed))
            });
            f
        })
        .filter(|f| f.bands.len() >= 2)
        .collect()
}

/// Each stretch between two bands that neither covers, with the bands below
/// and above it.
pub fn gaps(family: &Family) -> Vec<(Interval, usize, usize)> {
    let mut out = Vec::new();
    let Some(first) = family.bands.first() else { return out };
    let (mut hi, mut hi_closed, mut below) = (first.interval.hi, first.interval.hi_closed, first.rule);
    for band in family.bands.iter().skip(1) {
        let gap = Interval { lo: hi, lo_closed: !hi_closed, hi: band.interval.lo, hi_closed: !band.interval.lo_closed };
        if !gap.is_empty() {
            out.push((gap, below, band.rule));
        }
        if band.interval.hi > hi || (band.interval.hi == hi && band.interval.hi_closed) {
            hi = band.interval.hi;
            hi_closed = band.interval.hi_closed;
            below = band.rule;
        }
    }
    out
}

/// Each pair of bands that share values, with the shared stretch.
pub fn overlaps(family: &Family) -> Vec<(Interval, usize, usize)> {
    let mut out = Vec::new();
    for (i, a) in family.bands.iter().enumerate() {
        for b in family.bands.iter().skip(i + 1) {
            let shared = a.interval.meet(&b.interval);
            if !shared.is_empty() {
                out.push((shared, a.rule, b.rule));
            }
        }
    }
    out
}
