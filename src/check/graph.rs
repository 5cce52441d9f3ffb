//! The dependency graph shared by define ordering and suppression: one
//! depth-first walk that yields a dependency order and every cycle.

use std::sync::Arc;

use super::*;

/// What a walk over a directed graph found.
pub(super) struct Walk {
    /// Every node after the nodes it points to (a define after the defines
    /// it uses). Nodes on a cycle come in the order the walk closed them.
    pub order: Vec<usize>,
    /// Each cycle as the nodes around it, starting and ending at the node
    /// that closed it (only its first element is repeated implicitly).
    pub cycles: Vec<Vec<usize>>,
}

/// Walk the graph `edges` (node -> the nodes it points to) without
/// recursion, so a long chain cannot overflow the stack.
pub(super) fn walk(edges: &[Vec<usize>]) -> Walk {
    const NEW: u8 = 0;
    const ON_STACK: u8 = 1;
    let mut state = vec![NEW; edges.len()];
    let mut order = Vec::with_capacity(edges.len());
    let mut cycles = Vec::new();
    for start in 0..edges.len() {
        if state.get(start) != Some(&NEW) {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        if let Some(s) = state.get_mut(start) {
            *s = ON_STACK;
        }
        while let Some((node, next)) = stack.last().copied() {
            let out = edges.get(node).map_or(&[][..], Vec::as_slice);
            if let Some(&to) = out.get(next) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                match state.get(to) {
                    Some(&NEW) => {
                        if let Some(s) = state.get_mut(to) {
                            *s = ON_STACK;
                        }
                        stack.push((to, 0));
                    }
                    Some(&ON_STACK) => {
                        let from = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                        cycles.push(stack.iter().skip(from).map(|(n, _)| *n).collect());
                    }
                    _ => {}
                }
            } else {
                stack.pop();
                if let Some(s) = state.get_mut(node) {
                    *s = 2;
                }
                order.push(node);
            }
        }
    }
    Walk { order, cycles }
}

impl Checker {
    pub(super) fn check_suppression_cycles(&mut self) {
        let edges: Vec<Vec<usize>> = self.rules.iter().map(|r| r.suppresses.clone()).collect();
        for cycle in walk(&edges).cycles {
            let Some(rule) = cycle.first().and_then(|&t| self.rules.get(t)) else { continue };
            let names: Vec<&str> = cycle.iter().filter_map(|&x| self.rules.get(x).map(|r| r.id.as_str())).collect();
            let message = format!("rules suppress each other in a loop: {} -> {}", names.join(" -> "), rule.id);
            let (file, span) = (Arc::clone(&rule.file), rule.span);
            self.error(&file, "check::suppression-cycle", message, span, "part of the loop").help =
                Some("decide which rule wins and remove the other `suppresses`".into());
        }
    }
}
