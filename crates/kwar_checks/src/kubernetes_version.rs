//! Kubernetes minor versions: of the control plane (the Cluster evidence object's server
//! version) and of components that follow it (kubelets, Cluster Autoscaler images).

use kwar_inventory::Inventory;
use kwar_yaml::Node;

/// A Kubernetes `major.minor` version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Minor {
    pub major: u32,
    pub minor: u32,
}

impl Minor {
    /// Reads `v1.31.4-eks-2d5f260`, `1.31`, `v1.30.0`; None for anything else.
    pub fn parse(text: &str) -> Option<Minor> {
        let text = text.trim();
        let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let mut parts = text.split('.');
        let major = leading_number(parts.next()?)?;
        let minor = leading_number(parts.next()?)?;
        Some(Minor { major, minor })
    }

    /// How many minor versions `self` is behind `newer` (negative when it is ahead); None
    /// across major versions.
    pub fn behind(self, newer: Minor) -> Option<i64> {
        (self.major == newer.major).then(|| i64::from(newer.minor) - i64::from(self.minor))
    }
}

impl std::fmt::Display for Minor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

fn leading_number(text: &str) -> Option<u32> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The control plane's version, from the Cluster evidence object (`spec.server.gitVersion`,
/// else `spec.server.major`/`minor`, where EKS writes minors such as `31+`).
pub(crate) fn control_plane(inv: &Inventory) -> Option<Minor> {
    let evidence = inv.cluster()?;
    if let Some(v) = evidence.server_version.as_deref().and_then(Minor::parse) {
        return Some(v);
    }
    let server = inv.object(evidence.object).root().at(&["spec", "server"])?;
    let number = |key: &str| {
        server
            .get(key)
            .and_then(Node::scalar_text)
            .and_then(|t| leading_number(&t))
    };
    Some(Minor {
        major: number("major")?,
        minor: number("minor")?,
    })
}

#[cfg(test)]
mod tests {
    use super::Minor;

    #[test]
    fn versions_read_as_kubernetes_writes_them() {
        let v = |major, minor| Some(Minor { major, minor });
        assert_eq!(Minor::parse("v1.31.4-eks-2d5f260"), v(1, 31));
        assert_eq!(Minor::parse("1.29"), v(1, 29));
        assert_eq!(Minor::parse("latest"), None);
        assert_eq!(
            Minor::parse("v1.28.1")
                .unwrap()
                .behind(Minor::parse("1.31").unwrap()),
            Some(3)
        );
    }
}
