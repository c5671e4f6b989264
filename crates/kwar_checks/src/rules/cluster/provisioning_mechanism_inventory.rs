use crate::prelude::*;
use crate::retired::{aws_service_operator, judge_retired, service_catalog};

declare_check! {
    /// ## What it checks
    /// How the cluster provisions AWS dependencies from Kubernetes — the roll-up of
    /// `osb-catalog-retired` and `no-aws-service-operator`:
    /// - fail: a retired mechanism is found — the Kubernetes Service Catalog / Open Service
    ///   Broker (`service-catalog-osb` detector) or the archived AWS Service Operator
    ///   (`*.service-operator.aws` CRDs or objects, its Deployment) — on the Cluster object of
    ///   a whole cluster, or on the first object showing it in manifests;
    /// - pass: none is found on a whole cluster (the Cluster object passes, whether or not a
    ///   current mechanism is in use); in manifests, the first object of a current mechanism —
    ///   ACK (`*.services.k8s.aws`), Crossplane AWS providers or kro, from the `aws-operators`
    ///   detector — passes, reporting it.
    ///
    /// Manifests showing neither say nothing. IaC pipelines and EKS capabilities (managed ACK)
    /// run outside the cluster and are AWS-side evidence; how teams provision is also asked
    /// as a question in the review.
    ///
    /// ## Why it matters
    /// Both retired mechanisms are archived projects that still hold credentials to create and
    /// delete AWS resources: no security fixes, stale APIs, and no upgrade path. Their
    /// replacements (ACK, Crossplane, IaC) are maintained and support least-privilege roles
    /// per service.
    ///
    /// ## How to fix
    /// Move what the retired mechanism manages to ACK (which can adopt existing resources) or
    /// to IaC, then remove it:
    /// ```sh
    /// helm install ack-s3-controller oci://public.ecr.aws/aws-controllers-k8s/s3-chart \
    ///   --namespace ack-system --create-namespace --set aws.region=eu-west-1
    /// kubectl delete apiservice v1beta1.servicecatalog.k8s.io
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/ack.html>
    /// - <https://kubernetes.io/docs/concepts/extend-kubernetes/operator/>
    "provisioning-mechanism-inventory",
    run,
    needs = [
        "apiregistration.k8s.io/apiservices",
        "apiextensions.k8s.io/customresourcedefinitions",
        "apps/deployments"
    ]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let catalog = service_catalog(cx);
    let operator = aws_service_operator(cx);
    let what = match (catalog.is_empty(), operator.is_empty()) {
        (false, false) => "The Kubernetes Service Catalog and the AWS Service Operator",
        (false, true) => "The Kubernetes Service Catalog",
        _ => "The AWS Service Operator",
    };
    let mut retired = catalog;
    retired.extend(operator);
    if retired.is_empty() && cx.whole_cluster().is_none() {
        // Manifests: report a current mechanism (ACK, Crossplane, kro) when one shows; with no
        // AWS Service Operator evidence, everything `aws-operators` matched is current.
        let current = cx
            .detections
            .get("aws-operators")
            .and_then(|d| d.objects().next());
        if let Some(id) = current {
            out.pass(cx.inv.object(id));
        }
        return;
    }
    judge_retired(
        cx,
        out,
        &retired,
        what,
        "a retired provisioning mechanism (archived, no security fixes) still manages AWS \
         resources; expected ACK, Crossplane or IaC-based provisioning",
    );
}
