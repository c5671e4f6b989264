//! Removing values before objects are stored: a snapshot never holds a Secret value, and
//! holds ConfigMap values only when the customer allows it.

use serde_json::{Map, Value};

use crate::{LAST_APPLIED_ANNOTATION, REDACTED_ANNOTATION};

/// Replaces every `data` and `stringData` value of a Secret with `""` (key names are kept:
/// checks look at which keys exist), drops the last-applied-configuration annotation (a full
/// copy of the object, values included) and marks the object `kwar.io/redacted: values`.
pub fn redact_secret(object: &mut Value) {
    redact(object, &["data", "stringData"]);
}

/// The same treatment for a ConfigMap's `data` and `binaryData`.
pub fn redact_configmap(object: &mut Value) {
    redact(object, &["data", "binaryData"]);
}

fn redact(object: &mut Value, fields: &[&str]) {
    let Some(map) = object.as_object_mut() else {
        return;
    };
    for field in fields {
        match map.get_mut(*field) {
            None | Some(Value::Null) => {}
            Some(Value::Object(values)) => {
                for value in values.values_mut() {
                    *value = Value::String(String::new());
                }
            }
            // Not a map of values (malformed), so no key names to keep: drop it whole rather
            // than risk keeping a value.
            Some(other) => *other = Value::Object(Map::new()),
        }
    }
    let metadata = map
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !metadata.is_object() {
        *metadata = Value::Object(Map::new());
    }
    let Some(metadata) = metadata.as_object_mut() else {
        return;
    };
    let annotations = metadata
        .entry("annotations")
        .or_insert_with(|| Value::Object(Map::new()));
    if !annotations.is_object() {
        *annotations = Value::Object(Map::new());
    }
    if let Some(annotations) = annotations.as_object_mut() {
        annotations.remove(LAST_APPLIED_ANNOTATION);
        annotations.insert(
            REDACTED_ANNOTATION.to_string(),
            Value::String("values".to_string()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SECRET_VALUE: &str = "c3VwZXItc2VjcmV0";
    const PLAIN_VALUE: &str = "hunter2";

    fn secret() -> Value {
        let last_applied = json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "db", "namespace": "prod"},
            "data": {"password": SECRET_VALUE},
            "stringData": {"user": PLAIN_VALUE}
        })
        .to_string();
        json!({
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {
                "name": "db", "namespace": "prod",
                "annotations": {
                    LAST_APPLIED_ANNOTATION: last_applied,
                    "team": "payments"
                }
            },
            "data": {"password": SECRET_VALUE, "token": SECRET_VALUE},
            "stringData": {"user": PLAIN_VALUE}
        })
    }

    #[test]
    fn secret_values_are_all_removed_key_names_kept() {
        let mut object = secret();
        redact_secret(&mut object);
        let text = object.to_string();
        assert!(!text.contains(SECRET_VALUE), "{text}");
        assert!(!text.contains(PLAIN_VALUE), "{text}");
        assert_eq!(object["data"], json!({"password": "", "token": ""}));
        assert_eq!(object["stringData"], json!({"user": ""}));
        let annotations = &object["metadata"]["annotations"];
        assert!(annotations.get(LAST_APPLIED_ANNOTATION).is_none());
        assert_eq!(annotations[REDACTED_ANNOTATION], "values");
        assert_eq!(annotations["team"], "payments");
        assert_eq!(object["type"], "Opaque");
    }

    #[test]
    fn malformed_secrets_keep_no_value() {
        let mut object = json!({"kind": "Secret", "metadata": "odd", "data": SECRET_VALUE});
        redact_secret(&mut object);
        assert!(!object.to_string().contains(SECRET_VALUE));
        assert_eq!(
            object["metadata"]["annotations"][REDACTED_ANNOTATION],
            "values"
        );
        let mut not_an_object = json!([SECRET_VALUE]);
        redact_secret(&mut not_an_object);
    }

    #[test]
    fn configmap_values_are_removed() {
        let mut object = json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "app", "annotations": {LAST_APPLIED_ANNOTATION: "{\"data\":{\"k\":\"v1\"}}"}},
            "data": {"k": "v1"}, "binaryData": {"b": "AAEC"}
        });
        redact_configmap(&mut object);
        assert_eq!(object["data"], json!({"k": ""}));
        assert_eq!(object["binaryData"], json!({"b": ""}));
        assert_eq!(
            object["metadata"]["annotations"],
            json!({REDACTED_ANNOTATION: "values"})
        );
    }
}
