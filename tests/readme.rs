//! The README's keys table and the keys creel binds by default agree:
//! every normal-mode action has one of its keys in the table, and every
//! key the table names is bound. (`?` is generated from the keymap, so
//! this keeps the README honest too.)

use std::collections::BTreeMap;

fn readme_keys_table() -> Vec<(String, String)> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("| keys | action |").expect("the keys table");
    readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").collect();
            (cells[0].trim().to_string(), cells[1].trim().to_string())
        })
        .collect()
}

fn default_normal_keys() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/default.toml"))
        .unwrap();
    let doc: toml::Table = text.parse().unwrap();
    doc["keys"]
        .as_table()
        .unwrap()
        .iter()
        .filter_map(|(action, keys)| {
            let keys = keys.as_array()?;
            Some((
                action.clone(),
                keys.iter()
                    .map(|k| k.as_str().unwrap().to_string())
                    .collect(),
            ))
        })
        .collect()
}

/// How the README writes a key of the keymap.
fn as_written(key: &str) -> String {
    match key {
        "up" | "down" | "left" | "right" => "arrows".into(),
        "pageup" => "PgUp".into(),
        "pagedown" => "PgDn".into(),
        "enter" => "Enter".into(),
        "esc" => "Esc".into(),
        "tab" => "Tab".into(),
        "backtab" => "Shift-Tab".into(),
        k if k.starts_with("ctrl-") => format!("Ctrl-{}", k[5..].to_uppercase()),
        k => format!("`{k}`"),
    }
}

#[test]
fn every_default_key_action_is_in_the_readme_and_every_key_there_is_bound() {
    let table = readme_keys_table();
    let column: String = table
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let keymap = default_normal_keys();
    // Ctrl-S sends from the produce form: its key is in the form's table,
    // where the README describes the form.
    let elsewhere = ["send"];
    let missing: Vec<String> = keymap
        .iter()
        .filter(|(action, _)| !elsewhere.contains(&action.as_str()))
        .filter(|(_, keys)| !keys.iter().any(|k| column.contains(&as_written(k))))
        .map(|(action, keys)| format!("{action} = {keys:?}"))
        .collect();
    assert!(
        missing.is_empty(),
        "actions the README's keys table does not name: {missing:?}"
    );

    let bound: Vec<String> = keymap.values().flatten().map(|k| as_written(k)).collect();
    let mut unbound = vec![];
    for (keys, _) in &table {
        for piece in keys.split('`').skip(1).step_by(2) {
            let keys: Vec<&str> = if piece.len() > 1 {
                piece.split('/').collect()
            } else {
                vec![piece]
            };
            for k in keys {
                let k = format!("`{k}`");
                if !bound.contains(&k) {
                    unbound.push(k);
                }
            }
        }
    }
    assert!(
        unbound.is_empty(),
        "keys the README names that are not bound: {unbound:?}"
    );
}
