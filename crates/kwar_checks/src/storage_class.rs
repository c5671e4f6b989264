//! What the EBS StorageClass checks share: which classes provision EBS volumes, and how the
//! driver reads their parameters.

use kwar_inventory::Object;
use kwar_yaml::Node;

/// Provisioners that create EBS volumes: the EBS CSI driver, its EKS Auto Mode variant and
/// the in-tree plugin (migrated to the CSI driver, parameters passed through unchanged).
const EBS_PROVISIONERS: [&str; 3] = [
    "ebs.csi.aws.com",
    "ebs.csi.eks.amazonaws.com",
    "kubernetes.io/aws-ebs",
];

/// The EBS StorageClasses of the input.
pub(crate) fn ebs_classes<'a>(
    inv: &'a kwar_inventory::Inventory,
) -> impl Iterator<Item = &'a Object> + 'a {
    inv.of_kind("StorageClass").filter(|object| {
        object.api_group().starts_with("storage.k8s.io")
            && object
                .root()
                .get("provisioner")
                .and_then(Node::as_str)
                .is_some_and(|p| EBS_PROVISIONERS.contains(&p))
    })
}

/// A StorageClass parameter as key and value nodes, the key matched case-insensitively (as
/// the EBS CSI driver does).
pub(crate) fn parameter<'a>(object: &'a Object, key: &str) -> Option<(&'a Node, &'a Node)> {
    object
        .root()
        .get("parameters")?
        .entries()
        .iter()
        .find(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(key)))
        .map(|(k, v)| (k, v))
}
