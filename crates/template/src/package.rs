//! `datapackage.json`: the return as a Frictionless Tabular Data Package.

use crate::{CodeListTable, choices};
use serde_json::{Map, Value, json};
use sightline_standard::{Field, FieldKind, STANDARD_VERSION, Table};

pub(crate) fn data_package(lists: &[CodeListTable]) -> Value {
    let tables = Table::ALL.into_iter().map(table_resource);
    let lists = lists.iter().map(|list| {
        json!({
            "name": list.name,
            "title": list.label,
            "path": format!("code_lists/{}.csv", list.name),
            "profile": "tabular-data-resource",
            "schema": {
                "fields": [
                    {"name": "code", "type": "string", "constraints": {"required": true, "unique": true}},
                    {"name": "label", "type": "string"},
                ],
                "primaryKey": "code",
            },
        })
    });
    json!({
        "profile": "tabular-data-package",
        "name": "sightline-return",
        "title": "Sightline return",
        "version": STANDARD_VERSION,
        "resources": tables.chain(lists).collect::<Vec<_>>(),
    })
}

fn table_resource(table: Table) -> Value {
    let mut schema = Map::new();
    schema.insert(
        "fields".into(),
        table.fields().iter().map(schema_field).collect(),
    );
    if let Some(key) = table.unique_id() {
        schema.insert("primaryKey".into(), key.into());
    }
    let foreign_keys: Vec<Value> = table
        .fields()
        .iter()
        .filter_map(|field| match field.kind {
            FieldKind::Reference(target) => target.unique_id().map(|key| {
                json!({
                    "fields": field.name,
                    "reference": {"resource": target.name(), "fields": key},
                })
            }),
            _ => None,
        })
        .collect();
    if !foreign_keys.is_empty() {
        schema.insert("foreignKeys".into(), foreign_keys.into());
    }
    json!({
        "name": table.name(),
        "description": table.description(),
        "path": format!("{table}.csv"),
        "profile": "tabular-data-resource",
        "schema": schema,
    })
}

fn schema_field(field: &Field) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), field.name.into());
    out.insert("type".into(), field.kind.table_schema_type().into());
    out.insert("description".into(), field.description.into());
    out.insert("example".into(), field.example.into());
    let mut constraints = Map::new();
    if field.required {
        constraints.insert("required".into(), true.into());
    }
    if let FieldKind::Integer { min, max } = field.kind {
        constraints.insert("minimum".into(), min.into());
        constraints.insert("maximum".into(), max.into());
    }
    if let Some(offered) = choices(field.kind) {
        if offered.strict {
            constraints.insert("enum".into(), offered.values.into());
        } else {
            // Several codes separated by ';', or codes of another scheme: Table Schema's enum
            // cannot say that, so the codes are given for readers that know this property.
            out.insert("sightline:codes".into(), offered.values.into());
        }
    }
    if !constraints.is_empty() {
        out.insert("constraints".into(), constraints.into());
    }
    out.into()
}
