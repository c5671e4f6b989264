use crate::prelude::*;
use crate::retired::{aws_service_operator, judge_retired};

declare_check! {
    /// ## What it checks
    /// Whether the AWS Service Operator — the archived predecessor of AWS Controllers for
    /// Kubernetes (ACK) — is installed: CRDs of the `service-operator.aws` API group (e.g.
    /// `s3buckets.service-operator.aws`), objects of that group, or an `aws-service-operator`
    /// Deployment, as the catalog's `aws-operators` detector finds them. ACK
    /// (`*.services.k8s.aws`), Crossplane and kro match the same detector and are not reported.
    /// - found on a whole cluster: the Cluster object fails, naming the evidence;
    /// - found in manifests alone: the first object showing it fails;
    /// - not found on a whole cluster: the Cluster object passes.
    ///
    /// Manifests without it say nothing.
    ///
    /// ## Why it matters
    /// The AWS Service Operator (v1alpha1, 2018–2019) was archived when ACK replaced it: no
    /// releases, no security fixes, CloudFormation-based reconciliation that drifts silently,
    /// and broad IAM permissions held by an unmaintained controller. Resources it manages have
    /// no supported upgrade path.
    ///
    /// ## How to fix
    /// Recreate or adopt the resources with ACK (ACK can adopt existing AWS resources), give
    /// each ACK controller its own least-privilege role, then remove the operator:
    /// ```yaml
    /// apiVersion: services.k8s.aws/v1alpha1
    /// kind: AdoptedResource
    /// metadata:
    ///   name: adopt-orders-bucket
    /// spec:
    ///   aws:
    ///     nameOrID: orders-bucket
    ///   kubernetes:
    ///     group: s3.services.k8s.aws
    ///     kind: Bucket
    /// ```
    /// ```sh
    /// kubectl delete deployment aws-service-operator -n aws-service-operator
    /// kubectl get crd -o name | grep service-operator.aws | xargs kubectl delete
    /// ```
    ///
    /// ## References
    /// - <https://github.com/amazon-archives/aws-service-operator>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/ack.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#_grant_least_privileged_access_to_applications>
    "no-aws-service-operator",
    run,
    needs = ["apiextensions.k8s.io/customresourcedefinitions", "apps/deployments"]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    judge_retired(
        cx,
        out,
        &aws_service_operator(cx),
        "The archived AWS Service Operator",
        "it has no releases or security fixes since ACK replaced it; expected ACK controllers \
         instead",
    );
}
