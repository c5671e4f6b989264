use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every StorageClass provisioned by Portworx (`pxd.portworx.com`, or the legacy in-tree
    /// `kubernetes.io/portworx-volume`), by its `parameters.repl` — the number of copies
    /// Portworx keeps of each volume, on distinct nodes:
    /// - pass: `repl` 2 or 3 (3 is what production data should use; 2 tolerates one node);
    /// - warn: `repl: "1"`, or no `repl` at all, which is Portworx's default of one copy.
    ///
    /// A `repl` that is not a number is `unknown`. Other provisioners are not evaluated.
    ///
    /// ## Why it matters
    /// With one replica a Portworx volume lives on one node's disks: when EKS replaces that
    /// node (an AMI update, a Spot interruption, a scale-down) or its EBS volumes fail, the
    /// volume is unavailable or lost, and the pods using it cannot start anywhere else.
    ///
    /// ## How to fix
    /// Create a class with three replicas (spread by Portworx over zones when nodes carry zone
    /// labels) and move claims to it; existing volumes can be raised with `pxctl`:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: px-replicated
    /// provisioner: pxd.portworx.com
    /// parameters:
    ///   repl: "3"
    ///   io_profile: auto
    /// allowVolumeExpansion: true
    /// ```
    /// ```sh
    /// pxctl volume ha-update --repl 3 <volume>
    /// ```
    ///
    /// ## References
    /// - <https://docs.portworx.com/portworx-enterprise/reference/storageclass>
    /// - <https://kubernetes.io/docs/concepts/storage/storage-classes/>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/storage.html>
    "portworx-replication",
    run,
    needs = ["storage.k8s.io/storageclasses"]
}

const PORTWORX_PROVISIONERS: [&str; 2] = ["pxd.portworx.com", "kubernetes.io/portworx-volume"];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let classes = cx.inv.of_kind("StorageClass").filter(|sc| {
        sc.api_group() == "storage.k8s.io"
            && sc
                .root()
                .get("provisioner")
                .and_then(Node::as_str)
                .is_some_and(|p| PORTWORX_PROVISIONERS.contains(&p))
    });
    for class in classes {
        let repl = class.root().at(&["parameters", "repl"]);
        let name = class.name();
        let Some(repl_node) = repl else {
            out.warn(
                Subject::object(class).at("parameters.repl", None),
                format!(
                    "StorageClass `{name}` sets no `repl`: Portworx keeps a single copy of each \
                     volume; expected repl \"3\" (at least \"2\")"
                ),
            );
            continue;
        };
        let subject = || Subject::object(class).at("parameters.repl", Some(repl_node));
        let count = repl_node
            .scalar_text()
            .and_then(|t| t.trim().parse::<i64>().ok());
        match count {
            Some(n) if n >= 2 => out.pass(class),
            Some(_) => out.warn(
                subject(),
                format!(
                    "StorageClass `{name}` keeps a single copy of each Portworx volume (repl \
                     \"1\"): a node replacement makes the volume unavailable or loses it; \
                     expected repl \"3\" (at least \"2\")"
                ),
            ),
            None => out.unknown(
                subject(),
                format!("StorageClass `{name}` has a `repl` that is not a number"),
            ),
        }
    }
}
