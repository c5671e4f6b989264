use kwar_yaml::{parse_document, Chunk};

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Istio's mutual TLS mode, from its `PeerAuthentication` policies (`security.istio.io`).
    /// The mesh-wide policy is the one in Istio's root namespace (`istio-system`, or the
    /// `rootNamespace` of the `istio` ConfigMap's mesh config) without a `selector`:
    /// - the mesh-wide policy passes with `mtls.mode: STRICT`, and warns with `PERMISSIVE`,
    ///   `DISABLE`, `UNSET` or no mode (Istio then accepts plaintext);
    /// - a namespace or workload policy warns when it sets `PERMISSIVE` or `DISABLE` (it reopens
    ///   plaintext for its scope) and passes otherwise (`STRICT`, or `UNSET`, which inherits);
    /// - any policy warns when a `portLevelMtls` entry is `PERMISSIVE` or `DISABLE`.
    ///
    /// On a whole cluster where Istio is detected (or PeerAuthentications exist) but there is
    /// no mesh-wide policy, the Cluster object warns: Istio's default is `PERMISSIVE`. On
    /// manifests alone a missing mesh-wide policy says nothing (it may live in another
    /// repository). Clusters without Istio are not evaluated; Linkerd encrypts meshed traffic
    /// by default and has no such mode.
    ///
    /// ## Why it matters
    /// In `PERMISSIVE` mode a sidecar accepts both mTLS and plaintext: any pod without a proxy,
    /// or an attacker inside the VPC, can talk to meshed services unauthenticated and
    /// unencrypted, and AuthorizationPolicies based on peer identity do not apply to that
    /// traffic. `PERMISSIVE` is meant for migration, not as the resting state.
    ///
    /// ## How to fix
    /// Once every workload has a proxy (see `mesh-coverage`), require mTLS mesh-wide:
    /// ```yaml
    /// apiVersion: security.istio.io/v1
    /// kind: PeerAuthentication
    /// metadata:
    ///   name: default
    ///   namespace: istio-system
    /// spec:
    ///   mtls:
    ///     mode: STRICT
    /// ```
    /// Keep any exception narrow (one workload's selector, one port) and documented.
    ///
    /// ## References
    /// - <https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html#_service_mesh>
    "mesh-mtls-strict",
    run,
    needs = ["security.istio.io/peerauthentications", "configmaps"]
}

const DEFAULT_ROOT_NAMESPACE: &str = "istio-system";

/// Istio's root namespace: `meshConfig.rootNamespace` from the `istio` ConfigMap when set.
fn root_namespace(cx: &Context<'_>) -> String {
    cx.inv
        .find("ConfigMap", Some(DEFAULT_ROOT_NAMESPACE), "istio")
        .and_then(|cm| cm.root().at(&["data", "mesh"]))
        .and_then(Node::as_str)
        .and_then(|text| {
            let parsed = parse_document(&Chunk {
                text,
                first_line: 1,
            });
            parsed
                .documents
                .first()
                .and_then(|mesh| mesh.get("rootNamespace"))
                .and_then(Node::as_str)
                .map(String::from)
        })
        .unwrap_or_else(|| DEFAULT_ROOT_NAMESPACE.to_string())
}

fn mode_of(mtls: Option<&Node>) -> &str {
    mtls.and_then(|m| m.get("mode"))
        .and_then(Node::as_str)
        .unwrap_or("UNSET")
}

fn opens_plaintext(mode: &str) -> bool {
    matches!(mode, "PERMISSIVE" | "DISABLE")
}

fn has_selector(policy: &Object) -> bool {
    policy
        .root()
        .at(&["spec", "selector", "matchLabels"])
        .is_some_and(|m| !m.entries().is_empty())
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let root = root_namespace(cx);
    let policies: Vec<&Object> = cx
        .inv
        .of_kind("PeerAuthentication")
        .filter(|o| o.api_group() == "security.istio.io")
        .collect();
    let mut mesh_wide = false;
    for policy in &policies {
        let name = format!("`{}/{}`", policy.namespace_key(), policy.name());
        let spec = policy.spec();
        let mtls = spec.and_then(|s| s.get("mtls"));
        let mode = mode_of(mtls);
        let is_mesh_wide = policy.namespace() == Some(root.as_str()) && !has_selector(policy);
        mesh_wide |= is_mesh_wide;
        let mut weak = false;
        let mode_subject =
            || Subject::object(policy).at("spec.mtls.mode", mtls.and_then(|m| m.get("mode")));
        if is_mesh_wide && mode != "STRICT" {
            weak = true;
            out.warn(
                mode_subject(),
                format!(
                    "mesh-wide PeerAuthentication {name} sets mTLS mode {mode}: sidecars still \
                     accept plaintext; expected STRICT"
                ),
            );
        } else if !is_mesh_wide && opens_plaintext(mode) {
            weak = true;
            out.warn(
                mode_subject(),
                format!(
                    "PeerAuthentication {name} sets mTLS mode {mode}: its {} accept plaintext; \
                     expected STRICT or UNSET (inherit the mesh's STRICT)",
                    if has_selector(policy) {
                        "selected workloads"
                    } else {
                        "namespace's workloads"
                    }
                ),
            );
        }
        let ports = spec
            .and_then(|s| s.get("portLevelMtls"))
            .map(Node::entries)
            .unwrap_or_default();
        for (port, setting) in ports {
            let port_mode = mode_of(Some(setting));
            if opens_plaintext(port_mode) {
                weak = true;
                let port = port.as_str().unwrap_or("?");
                out.warn(
                    Subject::object(policy).at(
                        format!("spec.portLevelMtls.{port}.mode"),
                        setting.get("mode"),
                    ),
                    format!(
                        "PeerAuthentication {name} sets mTLS mode {port_mode} on port {port}: \
                         that port accepts plaintext; expected STRICT"
                    ),
                );
            }
        }
        if !weak {
            out.pass(policy);
        }
    }
    let istio = cx.detections.is_present("istio") || !policies.is_empty();
    if let Some(cluster) = cx.whole_cluster().filter(|_| istio && !mesh_wide) {
        out.warn(
            Subject::object(cluster),
            format!(
                "Istio runs without a mesh-wide PeerAuthentication in `{root}`: its default, \
                 PERMISSIVE, accepts plaintext; expected one with mTLS mode STRICT"
            ),
        );
    }
}
