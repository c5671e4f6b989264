use crate::prelude::*;
use crate::retired::{judge_retired, service_catalog};

declare_check! {
    /// ## What it checks
    /// Whether the Kubernetes Service Catalog (the Open Service Broker API integration) is
    /// installed, through the catalog's `service-catalog-osb` detector: the APIService
    /// `v1beta1.servicecatalog.k8s.io`, the `servicecatalog.k8s.io` CRDs
    /// (`clusterservicebrokers`, `serviceinstances`, `servicebindings`) or objects of those
    /// kinds, or the `catalog-apiserver`, `catalog-controller-manager` or `aws-servicebroker`
    /// Deployments — a Deployment counts only when it runs a Service Catalog or Service Broker
    /// image, since applications are also named `…-catalog-apiserver`.
    /// - found on a whole cluster: the Cluster object fails, naming the evidence;
    /// - found in manifests alone: the first object showing it fails;
    /// - not found on a whole cluster: the Cluster object passes.
    ///
    /// Manifests without it say nothing. Absence is today's expected state: the item mostly
    /// documents a 2020-era option, and the check exists to catch the clusters that still
    /// carry it.
    ///
    /// ## Why it matters
    /// The Kubernetes Service Catalog project was archived in 2022 and the AWS Service Broker
    /// before it: no releases, no security fixes, and an aggregated API server that still
    /// holds credentials to provision cloud resources. Its `v1beta1` APIs are frozen and an
    /// unavailable aggregated APIService degrades API discovery for every client.
    ///
    /// ## How to fix
    /// Move the provisioned services to ACK (or Crossplane, or IaC pipelines), then remove the
    /// catalog and its API registration:
    /// ```sh
    /// kubectl get clusterservicebrokers,serviceinstances,servicebindings -A
    /// helm uninstall catalog -n catalog
    /// kubectl delete apiservice v1beta1.servicecatalog.k8s.io
    /// ```
    ///
    /// ## References
    /// - <https://github.com/kubernetes-retired/service-catalog>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/ack.html>
    /// - <https://kubernetes.io/docs/concepts/extend-kubernetes/api-extension/custom-resources/>
    "osb-catalog-retired",
    run,
    needs = [
        "apiregistration.k8s.io/apiservices",
        "apiextensions.k8s.io/customresourcedefinitions",
        "apps/deployments"
    ]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    judge_retired(
        cx,
        out,
        &service_catalog(cx),
        "The Kubernetes Service Catalog",
        "the project is archived (no releases or security fixes, stale v1beta1 APIs); expected \
         ACK or IaC-based provisioning instead",
    );
}
