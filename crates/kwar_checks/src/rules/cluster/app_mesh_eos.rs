use crate::prelude::*;
use crate::retired::{evidence_of, judge_retired};

declare_check! {
    /// ## What it checks
    /// Whether AWS App Mesh is in use, through the catalog's `app-mesh` detector: the App Mesh
    /// CRDs (`meshes.appmesh.k8s.aws`, `virtualnodes…`, `virtualservices…`) or objects of those
    /// kinds, the `appmesh-controller` Deployment, or a Namespace labelled
    /// `appmesh.k8s.aws/sidecarInjectorWebhook=enabled`.
    /// - found on a whole cluster: the Cluster object fails, naming the evidence;
    /// - found in manifests alone: the first object showing it fails;
    /// - not found on a whole cluster: the Cluster object passes.
    ///
    /// Manifests without App Mesh say nothing (the mesh may be configured elsewhere). Meshes
    /// defined in the AWS account but unused by this cluster are AWS-side evidence
    /// (`appmesh:ListMeshes`), not read here.
    ///
    /// ## Why it matters
    /// AWS discontinued App Mesh on 2026-09-30 (new customers were refused from 2024-09-24):
    /// no fixes or security patches for the service, its controller or its Envoy images, and
    /// no support. Traffic routing, retries and mTLS of the workloads in the mesh depend on a
    /// service and software nobody maintains.
    ///
    /// ## How to fix
    /// Migrate to Amazon VPC Lattice (with the AWS Gateway API Controller), or to Istio or
    /// Linkerd, then remove the App Mesh resources and controller:
    /// ```sh
    /// kubectl get meshes,virtualnodes,virtualservices,virtualrouters -A
    /// kubectl label namespace shop appmesh.k8s.aws/sidecarInjectorWebhook-
    /// helm uninstall appmesh-controller -n appmesh-system
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/app-mesh/latest/userguide/what-is-app-mesh.html>
    /// - <https://aws.amazon.com/blogs/containers/migrating-from-aws-app-mesh-to-amazon-vpc-lattice/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_use_a_service_mesh>
    "app-mesh-eos",
    run,
    needs = ["apiextensions.k8s.io/customresourcedefinitions", "apps/deployments", "namespaces"]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let evidence = cx
        .detections
        .get("app-mesh")
        .map(|d| evidence_of(cx, d))
        .unwrap_or_default();
    judge_retired(
        cx,
        out,
        &evidence,
        "AWS App Mesh",
        "AWS discontinued App Mesh on 2026-09-30 (no fixes, patches or support); expected a \
         migration to VPC Lattice or a maintained mesh",
    );
}
