//! Kubernetes resource quantities (`250m`, `1Gi`, `1e3`), as the API server parses them.

use kwar_yaml::Node;

/// A Kubernetes resource quantity in base units: `250m` → 0.25, `1Gi` → 1073741824,
/// `110` → 110, `1e3` → 1000.
pub(crate) fn quantity(node: &Node) -> Option<f64> {
    if let Some(i) = node.as_i64() {
        return Some(i as f64);
    }
    let text = node.scalar_text()?;
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let multiplier = match suffix {
        "" => 1.0,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        s if s.starts_with(['e', 'E']) => 10f64.powi(s[1..].parse::<i32>().ok()?),
        _ => return None,
    };
    Some(number * multiplier)
}

#[cfg(test)]
mod tests {
    use super::quantity;
    use kwar_yaml::{Node, Value};

    fn q(text: &str) -> Option<f64> {
        quantity(&Node::new(Value::Str(text.into()), Default::default()))
    }

    #[test]
    fn quantities_read_in_base_units() {
        assert_eq!(q("250m"), Some(0.25));
        assert_eq!(q("2"), Some(2.0));
        assert_eq!(q("1Gi"), Some(1073741824.0));
        assert_eq!(q("1e3"), Some(1000.0));
        assert_eq!(q("lots"), None);
    }
}
