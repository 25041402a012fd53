//! The architecture, checked on the source itself: which layer may use which, and no cycle of
//! imports between files. Every `use` and every path in the code counts (test-only modules
//! excluded), resolved to the file of the module it names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

type ModPath = Vec<String>;

/// Every module of the library that is built outside tests, by path, with its file.
struct Crate {
    files: BTreeMap<ModPath, PathBuf>,
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

fn parse(file: &Path) -> syn::File {
    let text = std::fs::read_to_string(file).expect("reads the source");
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

impl Crate {
    fn load() -> Crate {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = BTreeMap::new();
        let mut todo = vec![(Vec::new(), src.join("lib.rs"))];
        while let Some((path, file)) = todo.pop() {
            let ast = parse(&file);
            let dir = match file.file_name().and_then(|n| n.to_str()) {
                Some("lib.rs" | "mod.rs") => file.parent().map(Path::to_path_buf),
                _ => file.with_extension("").into(),
            }
            .expect("a directory");
            for item in &ast.items {
                let syn::Item::Mod(m) = item else { continue };
                if m.content.is_some() || is_cfg_test(&m.attrs) {
                    continue;
                }
                let name = m.ident.to_string();
                let child = [
                    dir.join(format!("{name}.rs")),
                    dir.join(&name).join("mod.rs"),
                ]
                .into_iter()
                .find(|p| p.exists())
                .unwrap_or_else(|| panic!("module {name} of {}", file.display()));
                let mut p = path.clone();
                p.push(name);
                todo.push((p, child));
            }
            files.insert(path, file);
        }
        Crate { files }
    }
}

/// Paths named in one file, outside `#[cfg(test)]` items.
#[derive(Default)]
struct Paths {
    found: Vec<Vec<String>>,
}

fn flatten(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let mut full = prefix.clone();
            if n.ident != "self" {
                full.push(n.ident.to_string());
            }
            out.push(full);
        }
        syn::UseTree::Rename(r) => {
            let mut full = prefix.clone();
            full.push(r.ident.to_string());
            out.push(full);
        }
        syn::UseTree::Glob(_) => out.push(prefix.clone()),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                flatten(t, prefix, out);
            }
        }
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item(&mut self, i: &'ast syn::Item) {
        let attrs = match i {
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Impl(x) => &x.attrs,
            syn::Item::Use(u) => &u.attrs,
            _ => return syn::visit::visit_item(self, i),
        };
        if !is_cfg_test(attrs) {
            syn::visit::visit_item(self, i);
        }
    }

    // `pub(super)` names no dependency.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        flatten(&u.tree, &mut Vec::new(), &mut self.found);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.found
            .push(p.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        // Paths inside macro calls (`format!`, `matches!`…) are tokens: read them as paths.
        let text = m.tokens.to_string();
        for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')) {
            if word.contains("::") {
                self.found.push(
                    word.split("::")
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                );
            }
        }
        syn::visit::visit_macro(self, m);
    }
}

/// Where a file's paths lead: other files of the crate, and external crates (`std::fs`…).
struct Uses {
    files: BTreeSet<ModPath>,
    external: BTreeSet<String>,
}

fn uses(krate: &Crate, module: &ModPath, file: &Path) -> Uses {
    let mut v = Paths::default();
    v.visit_file(&parse(file));
    let mut out = Uses {
        files: BTreeSet::new(),
        external: BTreeSet::new(),
    };
    for path in v.found {
        let Some(first) = path.first() else { continue };
        let absolute: Option<ModPath> = match first.as_str() {
            "crate" => Some(path[1..].to_vec()),
            "super" | "self" => {
                let mut base = module.clone();
                let mut rest = &path[..];
                while let Some(s) = rest.first() {
                    match s.as_str() {
                        "super" => {
                            base.pop();
                        }
                        "self" => {}
                        _ => break,
                    }
                    rest = &rest[1..];
                }
                base.extend(rest.iter().cloned());
                Some(base)
            }
            _ => {
                let mut child = module.clone();
                child.push(first.clone());
                if krate.files.contains_key(&child) {
                    let mut p = module.clone();
                    p.extend(path.iter().cloned());
                    Some(p)
                } else {
                    if path.len() > 1 {
                        out.external.insert(path[..2].join("::"));
                    }
                    out.external.insert(first.clone());
                    None
                }
            }
        };
        let Some(absolute) = absolute else { continue };
        // The longest prefix that is a module is the file the path leads to.
        let target = (0..=absolute.len())
            .rev()
            .map(|n| absolute[..n].to_vec())
            .find(|p| krate.files.contains_key(p));
        if let Some(t) = target.filter(|t| t != module) {
            out.files.insert(t);
        }
    }
    out
}

fn name(m: &ModPath) -> String {
    if m.is_empty() {
        "lib".into()
    } else {
        m.join("::")
    }
}

fn graph(krate: &Crate) -> BTreeMap<ModPath, Uses> {
    krate
        .files
        .iter()
        .map(|(m, f)| (m.clone(), uses(krate, m, f)))
        .collect()
}

fn under(m: &ModPath, top: &str) -> bool {
    m.first().is_some_and(|f| f == top)
}

#[test]
fn each_layer_uses_only_what_it_may() {
    let krate = Crate::load();
    let g = graph(&krate);
    let mut wrong = Vec::new();
    for (m, u) in &g {
        let forbidden_modules: &[&str] = match m.first().map(String::as_str) {
            Some("app") => &["ui", "runtime", "cli", "sandbox"],
            Some("api") => &["patch", "app", "ui", "runtime", "cli", "edit", "sandbox"],
            Some("ui") => &["runtime", "cli", "sandbox"],
            Some("edit") => &["config", "app", "ui", "runtime", "cli"],
            Some("patch") => &["app", "ui", "runtime", "cli"],
            // Expressions are pure: no layer above them, no IO.
            Some("expr") => &["app", "ui", "runtime", "cli", "sandbox", "config", "api"],
            _ => &[],
        };
        for t in &u.files {
            if forbidden_modules.iter().any(|f| under(t, f)) {
                wrong.push(format!("{} uses {}", name(m), name(t)));
            }
        }
        let forbidden_crates: &[&str] = match m.first().map(String::as_str) {
            // `update` is pure: no IO crate, no terminal IO (key events are plain data).
            Some("app") => &[
                "tokio",
                "reqwest",
                "axum",
                "hyper",
                "std::fs",
                "std::net",
                "std::process",
                "std::io",
                "std::thread",
                "signal_hook",
                "etcetera",
                "crossterm::terminal",
                "crossterm::execute",
                "crossterm::cursor",
                "rand",
            ],
            Some("api") => &["ratatui", "crossterm", "ratatui_textarea"],
            Some("ui") => &["tokio", "reqwest", "std::fs", "std::net", "std::process"],
            Some("expr") => &[
                "tokio",
                "reqwest",
                "std::fs",
                "std::net",
                "std::process",
                "std::io",
                "ratatui",
                "crossterm",
            ],
            _ => &[],
        };
        for c in &u.external {
            if forbidden_crates.contains(&c.as_str()) {
                wrong.push(format!("{} uses {c}", name(m)));
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
}

#[test]
fn no_import_cycle_between_files() {
    let krate = Crate::load();
    let g = graph(&krate);
    // Tarjan's strongly connected components: any component of two or more files is a cycle.
    struct Walk<'g> {
        g: &'g BTreeMap<ModPath, Uses>,
        index: BTreeMap<ModPath, usize>,
        low: BTreeMap<ModPath, usize>,
        stack: Vec<ModPath>,
        on_stack: BTreeSet<ModPath>,
        cycles: Vec<Vec<String>>,
    }
    impl Walk<'_> {
        fn visit(&mut self, v: &ModPath) {
            let i = self.index.len();
            self.index.insert(v.clone(), i);
            self.low.insert(v.clone(), i);
            self.stack.push(v.clone());
            self.on_stack.insert(v.clone());
            let next: Vec<ModPath> = self.g[v].files.iter().cloned().collect();
            for w in &next {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low[v];
                    self.low.insert(v.clone(), lv.min(lw));
                } else if self.on_stack.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low[v];
                    self.low.insert(v.clone(), lv.min(iw));
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(&w);
                    let done = w == *v;
                    component.push(name(&w));
                    if done {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.cycles.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        g: &g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        cycles: Vec::new(),
    };
    for v in g.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    let shown: Vec<String> = walk.cycles.iter().map(|c| c.join(" ⇄ ")).collect();
    assert!(
        walk.cycles.is_empty(),
        "files that import each other:\n{}",
        shown.join("\n")
    );
}

#[test]
fn the_checker_sees_imports() {
    // The checks above are only worth something if the graph is real.
    let krate = Crate::load();
    let g = graph(&krate);
    let update = &g[&vec!["app".to_string(), "update".to_string()]];
    assert!(
        update
            .files
            .contains(&vec!["app".to_string(), "browse".to_string()])
    );
    let client = &g[&vec!["api".to_string(), "client".to_string()]];
    assert!(client.external.contains("reqwest"));
    assert!(krate.files.len() > 30, "{} files", krate.files.len());
}
