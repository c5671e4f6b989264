use std::collections::BTreeSet;

use kwar_detect::Signal;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// CI that runs inside the cluster (Jenkins, GitLab Runner, GitHub Actions Runner
    /// Controller, Tekton, Argo Workflows) must not give build jobs the node. The check looks
    /// at:
    /// - the CI controllers the catalog's `ci-in-cluster` detector finds (a Jenkins
    ///   controller that mounts the Docker socket builds on the node too);
    /// - runner templates: Actions Runner Controller `AutoscalingRunnerSet`
    ///   (`actions.github.com`) pod templates, and summerwind `RunnerDeployment`/`RunnerSet`
    ///   runners, which run a privileged `docker:dind` sidecar unless `dockerEnabled: false`;
    /// - build pods of a cluster dump: Jenkins agents (`jenkins/label`), Tekton task pods
    ///   (`tekton.dev/taskRun`), Argo Workflows pods (`workflows.argoproj.io/workflow`),
    ///   runner pods of a scale set whose template is not in the input
    ///   (`actions.github.com/scale-set-name`), GitLab Runner job pods (containers `build`
    ///   and `helper`);
    /// - GitLab Runner configuration (a ConfigMap of the runner's namespace whose
    ///   `config.toml` sets `privileged = true` for the Kubernetes executor).
    ///
    /// Each one passes when no container is privileged and no `hostPath` volume reaches the
    /// container runtime (`docker.sock`, `containerd.sock`, `crio.sock`, or `/var/run`,
    /// `/run` themselves) — rootless builds with Kaniko, BuildKit rootless or Buildah. It
    /// fails when it has either on shared nodes, and warns when it has either but is pinned to
    /// a dedicated node pool (a `nodeSelector` or required node affinity together with a
    /// toleration for a custom `NoSchedule`/`NoExecute` taint): the node is still given
    /// away, but only CI runs there. Without CI in the input the check gives no verdict.
    ///
    /// ## Why it matters
    /// A privileged container or a mounted runtime socket is root on the node: any build —
    /// which runs code from every branch and every dependency it downloads — can read the
    /// Secrets and service-account tokens of every pod on that node, tamper with other
    /// images, and use the node's IAM role. On shared nodes that is the production workloads.
    ///
    /// ## How to fix
    /// Build without privileges, and keep runners on their own tainted nodes:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata: {name: build, namespace: ci}
    /// spec:
    ///   nodeSelector: {workload: ci}
    ///   tolerations: [{key: workload, value: ci, effect: NoSchedule}]
    ///   containers:
    ///     - name: kaniko
    ///       image: gcr.io/kaniko-project/executor:v1.23.2
    ///       args: [--context=git://github.com/example/app.git, --destination=123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:abc123]
    ///       securityContext: {allowPrivilegeEscalation: false}
    /// ```
    /// For Actions Runner Controller use `containerMode.type: kubernetes` instead of `dind`;
    /// for GitLab Runner set `privileged = false` and build with Kaniko or BuildKit rootless.
    /// Better still, build in AWS CodeBuild, outside the cluster.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/image-security.html>
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/ops_dev_integ_build_mgmt_sys.html>
    /// - <https://kubernetes.io/docs/concepts/security/pod-security-standards/>
    "ci-runners-isolated",
    run,
    needs = ["pods"]
}

/// Host paths that hand the container runtime to the pod.
const RUNTIME_PATHS: [&str; 12] = [
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/docker",
    "/var/run/containerd",
    "/run/containerd",
    "/var/run/crio",
    "/var/run",
    "/run",
];

/// What is wrong with one pod spec.
struct Exposure {
    /// Privileged containers and runtime sockets, for the message.
    reasons: Vec<String>,
    /// Pinned to a dedicated, tainted node pool.
    dedicated: bool,
}

fn exposure(pod_spec: &Node) -> Exposure {
    let mut reasons = Vec::new();
    for field in ["initContainers", "containers"] {
        for c in pod_spec.get(field).map(Node::items).unwrap_or_default() {
            if c.at(&["securityContext", "privileged"])
                .and_then(Node::as_bool)
                == Some(true)
            {
                let name = c.get("name").and_then(Node::as_str).unwrap_or("?");
                reasons.push(format!("container `{name}` is privileged"));
            }
        }
    }
    for v in pod_spec.get("volumes").map(Node::items).unwrap_or_default() {
        if let Some(path) = v.at(&["hostPath", "path"]).and_then(Node::as_str) {
            let path = path.trim_end_matches('/');
            if RUNTIME_PATHS.contains(&path) {
                reasons.push(format!("it mounts the host's `{path}`"));
            }
        }
    }
    let pinned = pod_spec
        .get("nodeSelector")
        .is_some_and(|s| !s.entries().is_empty())
        || pod_spec
            .at(&[
                "affinity",
                "nodeAffinity",
                "requiredDuringSchedulingIgnoredDuringExecution",
            ])
            .is_some();
    let tolerates_dedicated = pod_spec
        .get("tolerations")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|t| {
            let key = t.get("key").and_then(Node::as_str).unwrap_or_default();
            let effect = t.get("effect").and_then(Node::as_str).unwrap_or_default();
            !key.is_empty()
                && !key.starts_with("node.kubernetes.io/")
                && !key.starts_with("node.cloudprovider.kubernetes.io/")
                && matches!(effect, "" | "NoSchedule" | "NoExecute")
        });
    Exposure {
        reasons,
        dedicated: pinned && tolerates_dedicated,
    }
}

fn judge(out: &mut Outcomes, object: &Object, path: &str, pod_spec: &Node, what: &str) {
    let found = exposure(pod_spec);
    if found.reasons.is_empty() {
        return out.pass(object);
    }
    let subject = Subject::object(object).at(path, Some(pod_spec));
    let why = found.reasons.join(", ");
    if found.dedicated {
        out.warn(
            subject,
            format!(
                "{what} `{}` gets root on its node ({why}), on a dedicated node pool: builds \
                 can still take over those nodes; build rootless (Kaniko, BuildKit)",
                object.display_name()
            ),
        );
    } else {
        out.fail(
            subject,
            format!(
                "{what} `{}` gets root on shared nodes ({why}): any build can take over the node \
                 and the pods next to it; build rootless (Kaniko, BuildKit) on dedicated nodes",
                object.display_name()
            ),
        );
    }
}

/// The CI role of a pod of a cluster dump, from the labels CI systems put on build pods.
fn ci_pod_role(w: &Workload, pod: &Object) -> Option<&'static str> {
    if pod.label("jenkins/label").is_some()
        || matches!(pod.label("jenkins"), Some("slave" | "agent"))
    {
        return Some("Jenkins agent pod");
    }
    if pod.label("tekton.dev/taskRun").is_some() {
        return Some("Tekton task pod");
    }
    if pod.label("workflows.argoproj.io/workflow").is_some() {
        return Some("Argo Workflows pod");
    }
    if pod.label("actions.github.com/scale-set-name").is_some() {
        return Some("GitHub Actions runner pod");
    }
    let names: BTreeSet<&str> = w.app_containers(pod).iter().map(|c| c.name).collect();
    (names.contains("build") && names.contains("helper")).then_some("GitLab Runner job pod")
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut judged: BTreeSet<usize> = BTreeSet::new();

    // CI controllers found by the detector.
    if let Some(ci) = cx.detections.get("ci-in-cluster") {
        for m in ci.matches.iter().filter(|m| m.signal == Signal::Workload) {
            let object = cx.inv.object(m.object);
            if let Some(w) = cx.inv.workload_of(object.id) {
                if let Some(spec) = w.pod_spec(object) {
                    if judged.insert(object.id) {
                        judge(out, object, w.pod_path, spec, "CI workload");
                    }
                }
            }
        }
    }

    // Runner templates.
    let mut scale_sets: BTreeSet<(String, String)> = BTreeSet::new();
    for set in cx
        .inv
        .of_kind("AutoscalingRunnerSet")
        .filter(|o| o.api_group() == "actions.github.com")
    {
        scale_sets.insert((set.namespace_key().to_string(), set.name().to_string()));
        if let Some(spec) = set.root().at(&["spec", "template", "spec"]) {
            judge(
                out,
                set,
                "spec.template.spec",
                spec,
                "GitHub Actions runner scale set",
            );
        }
    }
    for kind in ["RunnerDeployment", "RunnerSet"] {
        for runner in cx
            .inv
            .of_kind(kind)
            .filter(|o| o.api_group() == "actions.summerwind.dev")
        {
            let spec = runner.root().at(&["spec", "template", "spec"]);
            let docker = spec.and_then(|s| s.get("dockerEnabled"));
            if docker.and_then(Node::as_bool) != Some(false)
                && spec
                    .and_then(|s| s.get("dockerdWithinRunnerContainer"))
                    .and_then(Node::as_bool)
                    != Some(true)
            {
                out.fail(
                    Subject::object(runner).at("spec.template.spec.dockerEnabled", docker),
                    format!(
                        "`{}` runs a privileged docker:dind sidecar next to every runner \
                         (dockerEnabled is true by default) on shared nodes: set dockerEnabled: \
                         false and build rootless",
                        runner.display_name()
                    ),
                );
            } else if let Some(spec) = spec {
                judge(out, runner, "spec.template.spec", spec, kind);
            } else {
                out.pass(runner);
            }
        }
    }

    // Build pods of a cluster dump.
    for w in cx.inv.workloads() {
        let pod = cx.inv.object(w.object);
        if w.kind != WorkloadKind::Pod || judged.contains(&pod.id) {
            continue;
        }
        let Some(role) = ci_pod_role(w, pod) else {
            continue;
        };
        if let Some(set) = pod.label("actions.github.com/scale-set-name") {
            if scale_sets.contains(&(pod.namespace_key().to_string(), set.to_string())) {
                continue;
            }
        }
        if let Some(spec) = w.pod_spec(pod) {
            judge(out, pod, w.pod_path, spec, role);
        }
    }

    // GitLab Runner's configuration: privileged build pods for every job.
    let runner_namespaces: BTreeSet<&str> = cx
        .all_workloads()
        .filter(|(_, o)| o.name().contains("gitlab-runner"))
        .filter_map(|(_, o)| o.namespace())
        .collect();
    for config in cx.inv.of_kind("ConfigMap").filter(|c| {
        c.api_group().is_empty()
            && c.namespace()
                .is_some_and(|ns| runner_namespaces.contains(ns))
    }) {
        let entries = config
            .root()
            .get("data")
            .map(Node::entries)
            .unwrap_or_default();
        for (key, value) in entries {
            let (Some(key), Some(text)) = (key.as_str(), value.as_str()) else {
                continue;
            };
            if !key.contains("config") || !text.contains("[runners.kubernetes]") {
                continue;
            }
            let privileged = text.lines().any(|l| {
                let l: String = l
                    .split('#')
                    .next()
                    .unwrap_or_default()
                    .split_whitespace()
                    .collect();
                l == "privileged=true"
            });
            let subject = Subject::object(config).at(format!("data.{key}"), Some(value));
            if privileged {
                out.fail(
                    subject,
                    format!(
                        "GitLab Runner configuration `{}` runs every build pod privileged \
                         (privileged = true): any job can take over its node; build rootless",
                        config.display_name()
                    ),
                );
            } else {
                out.pass(config);
            }
        }
    }
}
