//! Peer agreement: does kwar flag the same objects as kube-score, Polaris, kube-linter and
//! checkov, on those tools' own test fixtures?
//!
//! The corpus (`shared/corpus`, or `$KWAR_CORPUS`) holds each peer's fixtures plus an
//! `expectations.json` extracted from the peer's test suite. `MAPPING` pairs every peer check
//! that tests the same condition on the same objects as a kwar catalog check; `CASES` lists,
//! for every fixture case of a mapped peer check, the object the peer judges and the peer's
//! verdict (flagged / not flagged), read from the fixture by hand (see docs/peer-agreement.md).
//! kwar "flags" an object when it reports `fail` or `warn` for one of the mapped kwar checks
//! on it (`unknown` is not a flag).
//!
//! `DISAGREEMENTS` lists every case where kwar deliberately disagrees with the peer (catalog
//! scope, stricter or looser catalog semantics, peer run configuration), with the reason.
//! Genuine kwar bugs are never listed there: they show up as unexpected disagreements.
//!
//! The test prints the agreement per peer and overall, asserts a floor per peer, and prints
//! (without failing) listed disagreements that now agree, so that the list gets reviewed.
//! Run with `cargo test -p kwar --test peer_agreement -- --nocapture` to see the report.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use serde_json::Value;

/// Minimum agreement per peer, in whole percent of compared cases (agreeing / compared,
/// deliberate disagreements included in "compared"). Set to the figure reached, rounded down.
const FLOORS: &[(&str, u32)] = &[
    ("kube-score", 68),
    ("polaris", 74),
    ("kube-linter", 89),
    ("checkov", 84),
];

/// kwar checks whose verdict depends on other objects (Services, PDBs, HPAs, NetworkPolicies,
/// Namespaces, other workloads). Cases mapped to them are scanned with their own file only;
/// all other cases share one kwar process.
const CROSS_OBJECT_CHECKS: &[&str] = &[
    "readiness-probe-defined",
    "multiple-replicas",
    "pdb-present-and-permissive",
    "pdbs-for-replicated",
    "policy-coverage",
    "default-deny",
    "dedicated-service-accounts",
    "hpa-gitops-replicas-conflict",
    "hpa-min-max-sane",
    "ownership-label",
    "sa-token-automount",
    "safe-rollout-strategy",
];

/// Kinds that have no namespace: their findings are matched without one.
const CLUSTER_SCOPED: &[&str] = &[
    "ClusterRole",
    "ClusterRoleBinding",
    "Namespace",
    "StorageClass",
    "PodSecurityPolicy",
    "PersistentVolume",
];

/// A peer check and the kwar check(s) testing the same condition on the same objects.
struct Mapping {
    peer: &'static str,
    check: &'static str,
    kwar: &'static [&'static str],
    note: &'static str,
}

/// One judged object of one peer case.
#[derive(Clone, Copy)]
struct Case {
    /// Peer case id (from expectations.json), with `:Kind/name` when the peer case judges
    /// several objects, and `@line`/`@file` when the same key occurs twice.
    id: &'static str,
    peer: &'static str,
    /// Peer check id.
    check: &'static str,
    /// File holding the object, relative to the corpus root.
    file: &'static str,
    kind: &'static str,
    /// "" when the manifest sets no namespace.
    namespace: &'static str,
    name: &'static str,
    /// Line range of the object's document, when the file holds the same key twice.
    lines: Option<(u64, u64)>,
    /// The peer's verdict: FLAG (fail/CRITICAL/WARNING/report) or PASS.
    flagged: bool,
}

const FLAG: bool = true;
const PASS: bool = false;

#[allow(clippy::too_many_arguments)]
const fn case(
    id: &'static str,
    peer: &'static str,
    check: &'static str,
    file: &'static str,
    kind: &'static str,
    namespace: &'static str,
    name: &'static str,
    flagged: bool,
) -> Case {
    Case {
        id,
        peer,
        check,
        file,
        kind,
        namespace,
        name,
        lines: None,
        flagged,
    }
}

const PEERS: &[&str] = &["kube-score", "polaris", "kube-linter", "checkov"];

/// Peer checks with fixtures that are deliberately not mapped, and why. The test prints a note
/// for any peer check in expectations.json that is neither mapped nor listed here.
const NOT_MAPPED: &[(&str, &[&str], &str)] = &[
    ("kube-score", &["deployment-has-host-podantiaffinity", "statefulset-has-host-podantiaffinity"],
     "asks for hostname anti-affinity; kwar's spread-across-zones wants zone spread and warns on hostname-only spreading, so kube-score's OK cases are kwar warnings"),
    ("kube-score", &["pod-topology-spread-constraints"],
     "validates the fields of existing constraints (maxSkew, topologyKey, selector); kwar judges whether zone spreading exists"),
    ("kube-score", &["container-security-context-user-group-id"],
     "wants runAsUser and runAsGroup > 10000 (host UID clash); kwar's non-root only asks for a non-root user"),
    ("kube-score", &["container-resource-requests-equal-limits", "container-cpu-requests-equal-limits"],
     "require cpu request == cpu limit; kwar never asks for CPU limits"),
    ("kube-score", &["container-ephemeral-storage-request-and-limit", "container-ephemeral-storage-request-equals-limit", "container-image-pull-policy", "container-ports-check", "environment-variable-key-duplication", "cronjob-has-deadline", "cronjob-restartpolicy", "stable-version", "service-type", "service-targets-pod", "ingress-targets-service", "networkpolicy-targets-pod", "horizontalpodautoscaler-has-target", "statefulset-has-servicename", "statefulset-pod-selector-labels-match-template-metadata-labels", "poddisruptionbudget-has-policy"],
     "no kwar catalog check for this condition"),
    ("polaris", &["automountServiceAccountToken"],
     "judges each Pod's effective token automount; kwar's sa-token-automount judges the namespace's default ServiceAccount"),
    ("polaris", &["cpuLimitsMissing"], "kwar deliberately never asks for CPU limits"),
    ("polaris", &["linuxHardening"],
     "passes with any one of AppArmor, seccomp, SELinux or dropped capabilities; no single kwar check has that condition"),
    ("polaris", &["topologySpreadConstraint"],
     "asks for any topologySpreadConstraint (hostname is enough); kwar's spread-across-zones wants zone spread, warns on hostname-only and only judges workloads with >= 2 replicas"),
    ("polaris", &["pdbDisruptionsIsZero"],
     "judges the PDB object; kwar's pdb-present-and-permissive judges the workload it selects, and the fixtures hold no workload"),
    ("polaris", &["nakedPod", "oneController"],
     "despite their names, these test fixtures define custom label-matching checks (app.kubernetes.io/name == metadata.name), not bare-pod or controller checks"),
    ("polaris", &["clusterrolePodExecAttach", "rolePodExecAttach", "clusterrolebindingClusterAdmin", "clusterrolebindingPodExecAttach", "rolebindingClusterAdminClusterRole", "rolebindingClusterAdminRole", "rolebindingClusterRolePodExecAttach", "rolebindingRolePodExecAttach"],
     "judge bindings (or exec/attach grants); kwar's RBAC checks judge wildcard roles and anonymous subjects"),
    ("polaris", &["hostPortSet", "hostProcess", "metadataAndInstanceMismatched", "pdbMinAvailableGreaterThanHPAMinReplicas", "priorityClassNotSet", "procMount", "pullPolicyNotAlways", "resourceRange", "tlsSettingsMissing"],
     "no kwar catalog check for this condition"),
    ("kube-linter", &["minimum-three-replicas", "hpa-minimum-three-replicas"],
     "threshold 3; kwar's threshold is 2, so the fixtures' 2-replica objects are flagged by kube-linter only"),
    ("kube-linter", &["no-anti-affinity"],
     "asks for pod anti-affinity (hostname); kwar's spread-across-zones wants zone spread"),
    ("kube-linter", &["pdb-min-available", "pdb-max-unavailable", "pdb-unhealthy-pod-eviction-policy"],
     "judge the PDB object; kwar judges the workload (and the fixtures' workloads have 1 replica, outside kwar's scope)"),
    ("kube-linter", &["access-to-create-pods", "access-to-secrets", "cluster-admin-role-binding", "dangling-horizontalpodautoscaler", "dangling-ingress", "dangling-networkpolicy", "dangling-networkpolicypeer-podselector", "dangling-service", "dangling-servicemonitor", "deprecated-service-account-field", "dnsconfig-options", "duplicate-env-var", "env-value-from", "exposed-services", "invalid-target-ports", "liveness-port", "readiness-port", "startup-port", "mismatching-selector", "no-extensions-v1beta", "no-node-affinity", "non-existent-service-account", "priority-class-name", "privileged-ports", "required-annotation-email", "restart-policy", "scc-deny-privileged-container", "sorted-keys", "ssh-port", "unsafe-proc-mount", "unsafe-sysctls", "use-namespace"],
     "no kwar catalog check for this condition"),
    ("checkov", &["CKV_K8S_1", "CKV_K8S_2", "CKV_K8S_3", "CKV_K8S_4", "CKV_K8S_5", "CKV_K8S_6", "CKV_K8S_7", "CKV_K8S_24", "CKV_K8S_32", "CKV_K8S_36"],
     "PodSecurityPolicy field checks; kwar's no-psp-objects fails every PSP object (PSP was removed in Kubernetes 1.25), whatever its fields"),
    ("checkov", &["CKV_K8S_11"], "kwar deliberately never asks for CPU limits"),
    ("checkov", &["CKV_K8S_38"],
     "judges each Pod's automountServiceAccountToken; kwar's sa-token-automount judges the default ServiceAccount"),
    ("checkov", &["CKV_K8S_40"], "wants a UID > 10000; kwar's non-root only asks for a non-root user"),
    ("checkov", &["CKV_K8S_43"],
     "wants every image pinned by digest; kwar's traceable-tag also accepts commit-SHA and semver tags"),
    ("checkov", &["CKV_K8S_15", "CKV_K8S_21", "CKV_K8S_26", "CKV_K8S_29", "CKV_K8S_30", "CKV_K8S_33", "CKV_K8S_34", "CKV_K8S_42", "CKV_K8S_44", "CKV_K8S_45", "CKV_K8S_152", "CKV_K8S_153", "CKV_K8S_154", "CKV_K8S_155", "CKV_K8S_156", "CKV_K8S_157", "CKV_K8S_158", "CKV_K8S_159", "CKV2_K8S_1", "CKV2_K8S_2", "CKV2_K8S_3", "CKV2_K8S_4", "CKV2_K8S_5"],
     "no kwar catalog check for this condition"),
    ("checkov", &["CKV_K8S_68", "CKV_K8S_69", "CKV_K8S_70", "CKV_K8S_71", "CKV_K8S_72", "CKV_K8S_73", "CKV_K8S_74", "CKV_K8S_75", "CKV_K8S_77", "CKV_K8S_78", "CKV_K8S_79", "CKV_K8S_80", "CKV_K8S_81", "CKV_K8S_82", "CKV_K8S_83", "CKV_K8S_84", "CKV_K8S_85", "CKV_K8S_86", "CKV_K8S_88", "CKV_K8S_89", "CKV_K8S_90", "CKV_K8S_91", "CKV_K8S_92", "CKV_K8S_93", "CKV_K8S_94", "CKV_K8S_95", "CKV_K8S_96", "CKV_K8S_97", "CKV_K8S_99", "CKV_K8S_100", "CKV_K8S_102", "CKV_K8S_104", "CKV_K8S_105", "CKV_K8S_106", "CKV_K8S_107", "CKV_K8S_108", "CKV_K8S_110", "CKV_K8S_111", "CKV_K8S_112", "CKV_K8S_113", "CKV_K8S_114", "CKV_K8S_115", "CKV_K8S_116", "CKV_K8S_117", "CKV_K8S_118", "CKV_K8S_119", "CKV_K8S_121", "CKV_K8S_138", "CKV_K8S_139", "CKV_K8S_140", "CKV_K8S_141", "CKV_K8S_143", "CKV_K8S_144", "CKV_K8S_145", "CKV_K8S_146", "CKV_K8S_147", "CKV_K8S_148", "CKV_K8S_149", "CKV_K8S_151"],
     "control-plane, kubelet and etcd command-line flag checks on static-pod manifests; kwar's catalog has no manifest check for them (the EKS control plane is managed and is reviewed through aws-mode checks)"),
    ("checkov", &["CKV_T_1", "CKV_K8S_160", "CKV2_K8S_20", "CKV2_K8S_25", "CKV2_K8S_EXAMPLE_1", "NOT_EMPTY_01"],
     "test-only policies of checkov's own test suite, not shipped checks"),
];

// ---------------------------------------------------------------------------------------------
// Tables (generated once from the fixtures, then reviewed by hand; see docs/peer-agreement.md)
// ---------------------------------------------------------------------------------------------

const MAPPING: &[Mapping] = &[
    Mapping {
        peer: "kube-score",
        check: "container-image-tag",
        kwar: &["no-latest-tag"],
        note: "CRITICAL when any container or initContainer image has tag latest or no tag (naive split on ':'). Same condition as no-latest-tag.",
    },
    Mapping {
        peer: "kube-score",
        check: "container-resources",
        kwar: &["requests-set", "memory-limit-set"],
        note: "CRITICAL when a cpu or memory limit is missing (cpu limit unless IgnoreContainerCpuLimitRequirement), WARNING when a request is missing. kwar flags missing requests (requests-set fail) and a missing or larger-than-request memory limit (memory-limit-set warn); kwar never asks for a CPU limit, and applies API defaulting (requests default to limits when only limits are set).",
    },
    Mapping {
        peer: "kube-score",
        check: "container-memory-requests-equal-limits",
        kwar: &["memory-limit-set"],
        note: "Optional check: CRITICAL unless every container's memory request equals its limit. Same condition as memory-limit-set (warn when the limit is missing or greater than the request).",
    },
    Mapping {
        peer: "kube-score",
        check: "pod-probes",
        kwar: &["readiness-probe-defined"],
        note: "CRITICAL when a pod targeted by a Service (or with serviceAccountName set) has no readinessProbe in any container; missing liveness only lowers the grade to ALMOST_OK (not flagged); Jobs/CronJobs always OK. kwar judges serving containers of long_running workloads only.",
    },
    Mapping {
        peer: "kube-score",
        check: "pod-probes-identical",
        kwar: &["liveness-differs-from-readiness", "readiness-probe-defined"],
        note: "CRITICAL when a container's readiness and liveness probes use the same handler (httpGet path+port, tcpSocket port, exec command), thresholds ignored. kwar: liveness-differs-from-readiness warn; readiness-probe-defined warns on byte-identical probes.",
    },
    Mapping {
        peer: "kube-score",
        check: "container-security-context-privileged",
        kwar: &["not-privileged"],
        note: "Optional check: CRITICAL when securityContext.privileged is true.",
    },
    Mapping {
        peer: "kube-score",
        check: "container-security-context-readonlyrootfilesystem",
        kwar: &["read-only-root-fs"],
        note: "Optional check: CRITICAL unless readOnlyRootFilesystem is true (kwar: warn).",
    },
    Mapping {
        peer: "kube-score",
        check: "container-seccomp-profile",
        kwar: &["seccomp-runtime-default"],
        note: "Optional check: WARNING unless a seccomp profile is set by securityContext.seccompProfile (pod or every container) or by a seccomp annotation. kwar honours the legacy pod/container annotations seccomp.security.alpha.kubernetes.io/pod and container.seccomp.security.alpha.kubernetes.io/<name>, but not the PodSecurityPolicy annotation .../defaultProfileName that kube-score's fixtures put on Pods.",
    },
    Mapping {
        peer: "kube-score",
        check: "deployment-replicas",
        kwar: &["multiple-replicas"],
        note: "WARNING when a Service-targeted Deployment without HPA has fewer than run_config MinReplicasDeployment replicas (tests use 0, 1, 2 and 5; CLI default 2). kwar's threshold is 2.",
    },
    Mapping {
        peer: "kube-score",
        check: "horizontalpodautoscaler-replicas",
        kwar: &["hpa-min-max-sane"],
        note: "WARNING when HPA minReplicas < run_config MinReplicasHPA. kwar warns on minReplicas 1 (and max == min).",
    },
    Mapping {
        peer: "kube-score",
        check: "deployment-has-poddisruptionbudget",
        kwar: &["pdb-present-and-permissive", "pdbs-for-replicated"],
        note: "CRITICAL when no PDB in the namespace selects the Deployment (any replica count at this commit). kwar only judges workloads with >= 2 replicas.",
    },
    Mapping {
        peer: "kube-score",
        check: "statefulset-has-poddisruptionbudget",
        kwar: &["pdb-present-and-permissive", "pdbs-for-replicated"],
        note: "As deployment-has-poddisruptionbudget, for StatefulSets.",
    },
    Mapping {
        peer: "kube-score",
        check: "deployment-strategy",
        kwar: &["safe-rollout-strategy"],
        note: "WARNING when a Service-targeted Deployment uses a strategy other than RollingUpdate. kwar judges multi-replica Deployments only and warns on Recreate, on maxUnavailable >= replicas, and on RollingUpdate without readiness probes.",
    },
    Mapping {
        peer: "kube-score",
        check: "deployment-targeted-by-hpa-does-not-have-replicas-configured",
        kwar: &["hpa-gitops-replicas-conflict"],
        note: "CRITICAL when a Deployment targeted by an HPA sets spec.replicas. Same condition as hpa-gitops-replicas-conflict (the scanned manifests are the Git source).",
    },
    Mapping {
        peer: "kube-score",
        check: "pod-networkpolicy",
        kwar: &["policy-coverage"],
        note: "CRITICAL when no NetworkPolicy selects the pod, WARNING when the selecting policies cover only ingress or only egress. kwar's policy-coverage only asks that the pod is selected.",
    },
    Mapping {
        peer: "polaris",
        check: "cpuRequestsMissing",
        kwar: &["requests-set"],
        note: "Fails when a container has no cpu request. kwar's requests-set needs cpu and memory.",
    },
    Mapping {
        peer: "polaris",
        check: "memoryRequestsMissing",
        kwar: &["requests-set"],
        note: "Fails when a container has no memory request. kwar's requests-set needs cpu and memory.",
    },
    Mapping {
        peer: "polaris",
        check: "memoryLimitsMissing",
        kwar: &["memory-limit-set"],
        note: "Fails when a container has no memory limit. kwar also warns when the limit exceeds the request.",
    },
    Mapping {
        peer: "polaris",
        check: "dangerousCapabilities",
        kwar: &["capabilities"],
        note: "Fails when a container adds ALL, SYS_ADMIN or NET_ADMIN (case-insensitive). kwar fails on capabilities outside the runtime default set and warns unless drop contains ALL.",
    },
    Mapping {
        peer: "polaris",
        check: "insecureCapabilities",
        kwar: &["capabilities"],
        note: "Fails unless the container drops ALL or every capability of polaris' insecure list. kwar warns unless drop contains ALL.",
    },
    Mapping {
        peer: "polaris",
        check: "deploymentMissingReplicas",
        kwar: &["multiple-replicas"],
        note: "Fails when a Deployment has fewer than 2 replicas.",
    },
    Mapping {
        peer: "polaris",
        check: "hostIPCSet",
        kwar: &["host-namespaces-and-paths"],
        note: "Fails on hostIPC: true.",
    },
    Mapping {
        peer: "polaris",
        check: "hostPIDSet",
        kwar: &["host-namespaces-and-paths"],
        note: "Fails on hostPID: true.",
    },
    Mapping {
        peer: "polaris",
        check: "hostNetworkSet",
        kwar: &["host-namespaces-and-paths", "host-network-pods"],
        note: "Fails on hostNetwork: true.",
    },
    Mapping {
        peer: "polaris",
        check: "hostPathSet",
        kwar: &["host-namespaces-and-paths"],
        note: "Fails on any hostPath volume (kwar: fail if writable, warn if mounted read-only).",
    },
    Mapping {
        peer: "polaris",
        check: "hpaMaxAvailability",
        kwar: &["hpa-min-max-sane"],
        note: "Fails unless maxReplicas > minReplicas (when minReplicas is present).",
    },
    Mapping {
        peer: "polaris",
        check: "hpaMinAvailability",
        kwar: &["hpa-min-max-sane"],
        note: "Fails when minReplicas is present and < 2.",
    },
    Mapping {
        peer: "polaris",
        check: "livenessProbeMissing",
        kwar: &["liveness-probe-defined"],
        note: "Fails when a container has no livenessProbe (test fixtures are bare Pods).",
    },
    Mapping {
        peer: "polaris",
        check: "readinessProbeMissing",
        kwar: &["readiness-probe-defined"],
        note: "Fails when a container has no readinessProbe (test fixtures are bare Pods).",
    },
    Mapping {
        peer: "polaris",
        check: "notReadOnlyRootFilesystem",
        kwar: &["read-only-root-fs"],
        note: "Fails unless readOnlyRootFilesystem is true (kwar: warn).",
    },
    Mapping {
        peer: "polaris",
        check: "privilegeEscalationAllowed",
        kwar: &["no-privilege-escalation"],
        note: "Fails unless allowPrivilegeEscalation is false (kwar: fail if true, warn if unset).",
    },
    Mapping {
        peer: "polaris",
        check: "runAsPrivileged",
        kwar: &["not-privileged"],
        note: "Fails on privileged: true.",
    },
    Mapping {
        peer: "polaris",
        check: "runAsRootAllowed",
        kwar: &["non-root"],
        note: "Fails unless runAsNonRoot is true (pod or container) or runAsUser > 0.",
    },
    Mapping {
        peer: "polaris",
        check: "sensitiveConfigmapContent",
        kwar: &["no-secrets-in-configmaps", "no-private-keys-in-configmaps"],
        note: "Fails on ConfigMap keys matching AWS_SECRET_ACCESS_KEY, GOOGLE_APPLICATION_CREDENTIALS, AZURE_*KEY, OCI_CLI_KEY_CONTENT, password, token, bearer, secret, or PEM private-key values.",
    },
    Mapping {
        peer: "polaris",
        check: "sensitiveContainerEnvVar",
        kwar: &["no-literal-credentials-in-env", "no-private-keys-in-configmaps"],
        note: "Fails on literal env values whose names match the same list, or whose values look like a private key; valueFrom passes.",
    },
    Mapping {
        peer: "polaris",
        check: "tagNotSpecified",
        kwar: &["no-latest-tag"],
        note: "Fails on images without a tag or with :latest.",
    },
    Mapping {
        peer: "polaris",
        check: "missingPodDisruptionBudget",
        kwar: &["pdb-present-and-permissive", "pdbs-for-replicated"],
        note: "Fails when no PDB's matchLabels match the Deployment's pod template labels (any replica count). kwar only judges workloads with >= 2 replicas.",
    },
    Mapping {
        peer: "polaris",
        check: "missingNetworkPolicy",
        kwar: &["policy-coverage"],
        note: "Fails unless a NetworkPolicy selects the pod AND has both ingress and egress rules and policyTypes. kwar's policy-coverage only asks that the pod is selected.",
    },
    Mapping {
        peer: "kube-linter",
        check: "latest-tag",
        kwar: &["no-latest-tag"],
        note: "Flags images matching .*:(latest)$, ^[^:]*$ or (.*/[^:]+)$ (latest or no tag).",
    },
    Mapping {
        peer: "kube-linter",
        check: "no-read-only-root-fs",
        kwar: &["read-only-root-fs"],
        note: "Flags containers without readOnlyRootFilesystem: true.",
    },
    Mapping {
        peer: "kube-linter",
        check: "privileged-container",
        kwar: &["not-privileged"],
        note: "Flags privileged: true.",
    },
    Mapping {
        peer: "kube-linter",
        check: "run-as-non-root",
        kwar: &["non-root"],
        note: "Flags containers not set to runAsNonRoot (runAsUser > 0 also accepted) and containers with runAsGroup 0. kwar does not look at runAsGroup.",
    },
    Mapping {
        peer: "kube-linter",
        check: "unset-cpu-requirements",
        kwar: &["requests-set"],
        note: "Flags containers with a zero/missing cpu request.",
    },
    Mapping {
        peer: "kube-linter",
        check: "unset-memory-requirements",
        kwar: &["memory-limit-set"],
        note: "Flags containers with a zero/missing memory limit.",
    },
    Mapping {
        peer: "kube-linter",
        check: "no-liveness-probe",
        kwar: &["liveness-probe-defined"],
        note: "Flags (non-init) containers without livenessProbe.",
    },
    Mapping {
        peer: "kube-linter",
        check: "no-readiness-probe",
        kwar: &["readiness-probe-defined"],
        note: "Flags (non-init) containers without readinessProbe, whether or not they serve traffic.",
    },
    Mapping {
        peer: "kube-linter",
        check: "privilege-escalation-container",
        kwar: &["no-privilege-escalation"],
        note: "Flags allowPrivilegeEscalation: true (kwar also warns when unset; the fixtures set it explicitly).",
    },
    Mapping {
        peer: "kube-linter",
        check: "host-ipc",
        kwar: &["host-namespaces-and-paths"],
        note: "Flags hostIPC: true.",
    },
    Mapping {
        peer: "kube-linter",
        check: "host-pid",
        kwar: &["host-namespaces-and-paths"],
        note: "Flags hostPID: true.",
    },
    Mapping {
        peer: "kube-linter",
        check: "host-network",
        kwar: &["host-namespaces-and-paths", "host-network-pods"],
        note: "Flags hostNetwork: true.",
    },
    Mapping {
        peer: "kube-linter",
        check: "docker-sock",
        kwar: &["host-namespaces-and-paths"],
        note: "Flags a hostPath mount of /var/run/docker.sock (kwar fails any writable hostPath and any runtime socket).",
    },
    Mapping {
        peer: "kube-linter",
        check: "writable-host-mount",
        kwar: &["host-namespaces-and-paths"],
        note: "Flags hostPath volumes mounted without readOnly.",
    },
    Mapping {
        peer: "kube-linter",
        check: "sensitive-host-mounts",
        kwar: &["host-namespaces-and-paths"],
        note: "Flags hostPath mounts of sensitive host directories (/, /etc, /proc, ...).",
    },
    Mapping {
        peer: "kube-linter",
        check: "drop-net-raw-capability",
        kwar: &["capabilities"],
        note: "Flags containers that add NET_RAW or do not drop NET_RAW/ALL. kwar warns unless drop contains ALL.",
    },
    Mapping {
        peer: "kube-linter",
        check: "env-var-secret",
        kwar: &["no-literal-credentials-in-env"],
        note: "Flags literal env values whose name matches (?i).*secret.*.",
    },
    Mapping {
        peer: "kube-linter",
        check: "read-secret-from-env-var",
        kwar: &["secrets-as-volumes"],
        note: "Flags env valueFrom.secretKeyRef (secrets should be mounted as files).",
    },
    Mapping {
        peer: "kube-linter",
        check: "default-service-account",
        kwar: &["dedicated-service-accounts"],
        note: "Flags pods running as the default ServiceAccount (kwar also warns on shared ServiceAccounts).",
    },
    Mapping {
        peer: "kube-linter",
        check: "non-isolated-pod",
        kwar: &["policy-coverage"],
        note: "Flags deployment-like objects whose pods no NetworkPolicy selects.",
    },
    Mapping {
        peer: "kube-linter",
        check: "no-rolling-update-strategy",
        kwar: &["safe-rollout-strategy"],
        note: "Flags Deployments whose strategy type is not RollingUpdate. kwar judges multi-replica Deployments only and warns on Recreate, on maxUnavailable >= replicas, and on RollingUpdate without readiness probes.",
    },
    Mapping {
        peer: "kube-linter",
        check: "job-ttl-seconds-after-finished",
        kwar: &["finished-jobs-cleaned"],
        note: "Flags standalone Jobs without ttlSecondsAfterFinished and CronJobs whose jobTemplate sets one (conflict with history limits).",
    },
    Mapping {
        peer: "kube-linter",
        check: "wildcard-in-rules",
        kwar: &["no-wildcard-roles"],
        note: "Flags Roles/ClusterRoles with '*' in rules.",
    },
    Mapping {
        peer: "kube-linter",
        check: "required-label-owner",
        kwar: &["ownership-label"],
        note: "Flags objects without an 'owner' label (kwar accepts team, owner or cost-center, on the workload or its Namespace).",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_20",
        kwar: &["no-privilege-escalation"],
        note: "Fails unless every container sets allowPrivilegeEscalation: false. Same condition (kwar: fail if true, warn if unset).",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_25",
        kwar: &["capabilities"],
        note: "Fails when a container adds any capability.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_39",
        kwar: &["capabilities"],
        note: "Fails when a container adds SYS_ADMIN.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_28",
        kwar: &["capabilities"],
        note: "Fails unless the container drops NET_RAW or ALL.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_37",
        kwar: &["capabilities"],
        note: "Fails unless capabilities.drop contains ALL (or 'all'). Same condition as the capabilities warn tier.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_10",
        kwar: &["requests-set"],
        note: "Fails when a container has no cpu request.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_12",
        kwar: &["requests-set"],
        note: "Fails when a container has no memory request.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_13",
        kwar: &["memory-limit-set"],
        note: "Fails when a container has no memory limit.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_41",
        kwar: &["sa-token-automount"],
        note: "Judges ServiceAccounts named default: fails unless automountServiceAccountToken is false. Same object and condition as sa-token-automount.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_27",
        kwar: &["host-namespaces-and-paths"],
        note: "Fails when /var/run/docker.sock is a hostPath volume.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_14",
        kwar: &["no-latest-tag"],
        note: "Fails when an image has no tag or :latest (digests pass).",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_8",
        kwar: &["liveness-probe-defined"],
        note: "Fails when a container has no livenessProbe (Jobs/CronJobs excluded).",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_9",
        kwar: &["readiness-probe-defined"],
        note: "Fails when a container has no readinessProbe (Jobs/CronJobs excluded).",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_16",
        kwar: &["not-privileged"],
        note: "Fails on privileged: true.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_49",
        kwar: &["no-wildcard-roles"],
        note: "Fails on '*' in apiGroups, resources or verbs of a Role/ClusterRole. kwar looks at verbs and resources only.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_22",
        kwar: &["read-only-root-fs"],
        note: "Fails unless readOnlyRootFilesystem is true.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_23",
        kwar: &["non-root"],
        note: "Fails unless runAsNonRoot is true or runAsUser > 0 (pod or container, container wins); fails on runAsUser 0 / runAsNonRoot false.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_31",
        kwar: &["seccomp-runtime-default"],
        note: "Fails unless seccompProfile RuntimeDefault/Localhost (securityContext) or the legacy pod annotation docker/default|runtime/default is set. kwar reads the same fields and legacy annotations.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_35",
        kwar: &["secrets-as-volumes"],
        note: "Fails on env secretKeyRef or envFrom secretRef.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_17",
        kwar: &["host-namespaces-and-paths"],
        note: "Fails on hostPID: true.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_18",
        kwar: &["host-namespaces-and-paths"],
        note: "Fails on hostIPC: true.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV_K8S_19",
        kwar: &["host-namespaces-and-paths", "host-network-pods"],
        note: "Fails on hostNetwork: true.",
    },
    Mapping {
        peer: "checkov",
        check: "CKV2_K8S_6",
        kwar: &["policy-coverage"],
        note: "Graph check: fails for pods (of a workload) that no NetworkPolicy selects.",
    },
];

const CASES: &[Case] = &[
    // ---- kube-score
    case("kube-score-012", "kube-score", "deployment-targeted-by-hpa-does-not-have-replicas-configured", "kube-score/score/testdata/deployment-with-hpa-has-replicas.yaml", "Deployment", "default", "php-apache", FLAG),
    case("kube-score-013", "kube-score", "deployment-targeted-by-hpa-does-not-have-replicas-configured", "kube-score/score/testdata/deployment-with-hpa-not-has-replicas.yaml", "Deployment", "default", "php-apache", PASS),
    case("kube-score-026", "kube-score", "pod-probes", "kube-score/score/testdata/cronjob-batchv1beta1-deadline-not-set.yaml", "CronJob", "", "hello", PASS),
    case("kube-score-027", "kube-score", "pod-probes", "kube-score/score/testdata/cronjob-batchv1-deadline-not-set.yaml", "CronJob", "", "hello", PASS),
    case("kube-score-034", "kube-score", "deployment-strategy", "kube-score/score/testdata/service-target-deployment.yaml", "Deployment", "", "deployment-test-1", PASS),
    case("kube-score-036", "kube-score", "deployment-strategy", "kube-score/score/testdata/service-target-deployment-not-rolling.yaml", "Deployment", "", "deployment-test-1", FLAG),
    case("kube-score-037", "kube-score", "deployment-strategy", "kube-score/score/testdata/service-target-deployment-strategy-not-set.yaml", "Deployment", "", "deployment-test-1", PASS),
    case("kube-score-038", "kube-score", "deployment-replicas", "kube-score/score/testdata/service-target-deployment.yaml", "Deployment", "", "deployment-test-1", PASS),
    case("kube-score-041", "kube-score", "deployment-replicas", "kube-score/score/testdata/service-target-deployment-replica-1.yaml", "Deployment", "", "deployment-test-1", FLAG),
    case("kube-score-042", "kube-score", "deployment-replicas", "kube-score/score/testdata/service-target-deployment-replica-1.yaml", "Deployment", "", "deployment-test-1", PASS),
    case("kube-score-043", "kube-score", "deployment-replicas", "kube-score/score/testdata/service-target-deployment-replica-1.yaml", "Deployment", "", "deployment-test-1", FLAG),
    case("kube-score-051", "kube-score", "horizontalpodautoscaler-replicas", "kube-score/score/testdata/hpa-min-replicas-ok.yaml", "HorizontalPodAutoscaler", "default", "php-apache", PASS),
    case("kube-score-052", "kube-score", "horizontalpodautoscaler-replicas", "kube-score/score/testdata/hpa-min-replicas-nok.yaml", "HorizontalPodAutoscaler", "default", "php-apache", FLAG),
    case("kube-score-053", "kube-score", "horizontalpodautoscaler-replicas", "kube-score/score/testdata/hpa-min-replicas-nok.yaml", "HorizontalPodAutoscaler", "default", "php-apache", FLAG),
    case("kube-score-054", "kube-score", "horizontalpodautoscaler-replicas", "kube-score/score/testdata/hpa-min-replicas-nok.yaml", "HorizontalPodAutoscaler", "default", "php-apache", PASS),
    case("kube-score-064", "kube-score", "pod-networkpolicy", "kube-score/score/testdata/networkpolicy-not-matching.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-065", "kube-score", "pod-networkpolicy", "kube-score/score/testdata/networkpolicy-matching.yaml", "Pod", "testspace", "pod-test-1", PASS),
    case("kube-score-066", "kube-score", "pod-networkpolicy", "kube-score/score/testdata/networkpolicy-matching-only-ingress.yaml", "Pod", "testspace", "pod-test-1", FLAG),
    case("kube-score-067", "kube-score", "pod-networkpolicy", "kube-score/score/testdata/networkpolicy-matching-only-egress.yaml", "Pod", "testspace", "pod-test-1", FLAG),
    case("kube-score-072", "kube-score", "pod-networkpolicy", "kube-score/score/testdata/networkpolicy-deployment-matching.yaml", "Deployment", "testspace", "deployment-test-1", PASS),
    case("kube-score-074", "kube-score", "pod-networkpolicy", "kube-score/score/testdata/networkpolicy-statefulset-matching.yaml", "StatefulSet", "testspace", "statefulset-test-1", PASS),
    case("kube-score-076", "kube-score", "pod-networkpolicy", "kube-score/score/testdata/networkpolicy-cronjob-matching.yaml", "CronJob", "testspace", "cronjob-test-1", PASS),
    case("kube-score-078", "kube-score", "pod-networkpolicy", "kube-score/score/testdata/networkpolicy-deployment-not-matching-selector.yaml", "Deployment", "testspace", "deployment-test-1", FLAG),
    case("kube-score-080", "kube-score", "pod-networkpolicy", "kube-score/score/testdata/networkpolicy-statefulset-not-matching-selector.yaml", "StatefulSet", "testspace", "statefulset-test-1", FLAG),
    case("kube-score-082", "kube-score", "pod-networkpolicy", "kube-score/score/testdata/networkpolicy-cronjob-not-matching-selector.yaml", "CronJob", "testspace", "cronjob-test-1", FLAG),
    case("kube-score-084", "kube-score", "pod-networkpolicy", "kube-score/score/testdata/networkpolicy-targets-all-pods.yaml", "Pod", "testspace", "pod-test-1", PASS),
    case("kube-score-087", "kube-score", "container-memory-requests-equal-limits", "kube-score/score/testdata/pod-container-memory-requests.yaml", "Pod", "testspace", "pod-test-1", FLAG),
    case("kube-score-088", "kube-score", "container-memory-requests-equal-limits", "kube-score/score/testdata/pod-container-memory-requests-annotation-optional.yaml", "Pod", "testspace", "pod-test-1", FLAG),
    case("kube-score-089", "kube-score", "statefulset-has-poddisruptionbudget", "kube-score/score/testdata/statefulset-poddisruptionbudget-v1beta1-matches.yaml", "StatefulSet", "", "statefulset-test-1", PASS),
    case("kube-score-090", "kube-score", "statefulset-has-poddisruptionbudget", "kube-score/score/testdata/statefulset-poddisruptionbudget-v1beta1-expression-matches.yaml", "StatefulSet", "", "statefulset-test-1", PASS),
    case("kube-score-091", "kube-score", "statefulset-has-poddisruptionbudget", "kube-score/score/testdata/statefulset-poddisruptionbudget-v1beta1-expression-no-match.yaml", "StatefulSet", "", "statefulset-test-1", FLAG),
    case("kube-score-092", "kube-score", "statefulset-has-poddisruptionbudget", "kube-score/score/testdata/statefulset-poddisruptionbudget-v1beta1-no-match.yaml", "StatefulSet", "", "statefulset-test-1", FLAG),
    case("kube-score-093", "kube-score", "deployment-has-poddisruptionbudget", "kube-score/score/testdata/deployment-poddisruptionbudget-v1beta1-matches.yaml", "Deployment", "", "statefulset-test-1", PASS),
    case("kube-score-094", "kube-score", "deployment-has-poddisruptionbudget", "kube-score/score/testdata/deployment-poddisruptionbudget-v1beta1-expression-matches.yaml", "Deployment", "", "statefulset-test-1", PASS),
    case("kube-score-095", "kube-score", "deployment-has-poddisruptionbudget", "kube-score/score/testdata/deployment-poddisruptionbudget-v1beta1-expression-no-match.yaml", "Deployment", "", "statefulset-test-1", FLAG),
    case("kube-score-096", "kube-score", "deployment-has-poddisruptionbudget", "kube-score/score/testdata/deployment-poddisruptionbudget-v1beta1-no-match.yaml", "Deployment", "", "statefulset-test-1", FLAG),
    case("kube-score-099", "kube-score", "deployment-has-poddisruptionbudget", "kube-score/score/testdata/deployment-poddisruptionbudget-v1-matches.yaml", "Deployment", "", "statefulset-test-1", PASS),
    case("kube-score-100", "kube-score", "deployment-has-poddisruptionbudget", "kube-score/score/testdata/deployment-poddisruptionbudget-v1-no-match.yaml", "Deployment", "", "statefulset-test-1", FLAG),
    case("kube-score-101", "kube-score", "deployment-has-poddisruptionbudget", "kube-score/score/testdata/deployment-poddisruptionbudget-v1-different-namespace.yaml", "Deployment", "foo", "statefulset-test-1", FLAG),
    case("kube-score-109", "kube-score", "pod-probes", "kube-score/score/testdata/pod-probes-all-missing.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-110", "kube-score", "pod-probes", "kube-score/score/testdata/pod-probes-missing-ready.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-111", "kube-score", "pod-probes-identical", "kube-score/score/testdata/pod-probes-identical-http.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-112", "kube-score", "pod-probes-identical", "kube-score/score/testdata/pod-probes-identical-tcp.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-113", "kube-score", "pod-probes-identical", "kube-score/score/testdata/pod-probes-identical-exec.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-114", "kube-score", "pod-probes", "kube-score/score/testdata/pod-probes-targeted-by-service.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-115", "kube-score", "pod-probes", "kube-score/score/testdata/pod-probes-targeted-by-service-same-namespace.yaml", "Pod", "foospace", "pod-test-1", FLAG),
    case("kube-score-116", "kube-score", "pod-probes", "kube-score/score/testdata/pod-probes-targeted-by-service-same-namespace-multi-labels.yaml", "Pod", "foospace", "pod-test-1", FLAG),
    case("kube-score-117", "kube-score", "pod-probes", "kube-score/score/testdata/pod-probes-targeted-by-service-different-namespace.yaml", "Pod", "foospace", "pod-test-1", PASS),
    case("kube-score-118", "kube-score", "pod-probes", "kube-score/score/testdata/pod-probes-not-targeted-by-service.yaml", "Pod", "", "pod-test-1", PASS),
    case("kube-score-119", "kube-score", "pod-probes", "kube-score/score/testdata/pod-probes-not-targeted-by-service-multi-labels.yaml", "Pod", "", "pod-test-1", PASS),
    case("kube-score-120", "kube-score", "pod-probes", "kube-score/score/testdata/pod-probes-on-different-containers.yaml", "Pod", "", "pod-test-1", PASS),
    case("kube-score-121", "kube-score", "pod-probes", "kube-score/score/testdata/pod-probes-on-different-containers-init.yaml", "Pod", "", "pod-test-1", PASS),
    case("kube-score-122", "kube-score", "container-resources", "kube-score/score/testdata/pod-test-resources-none.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-123", "kube-score", "container-resources", "kube-score/score/testdata/pod-test-resources-only-limits.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-124", "kube-score", "container-resources", "kube-score/score/testdata/pod-test-resources-limits-and-requests.yaml", "Pod", "", "pod-test-1", PASS),
    case("kube-score-125", "kube-score", "container-resources", "kube-score/score/testdata/pod-test-resources-limits-and-requests-no-cpu-limit.yaml", "Pod", "", "pod-test-1", PASS),
    case("kube-score-126", "kube-score", "container-resources", "kube-score/score/testdata/pod-test-resources-limits-and-requests-no-cpu-limit.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-127", "kube-score", "container-resources", "kube-score/score/testdata/pod-test-resources-no-limits.yaml", "Pod", "", "pod-test-1", PASS),
    case("kube-score-129", "kube-score", "container-memory-requests-equal-limits", "kube-score/score/testdata/pod-test-resources-limits-and-requests.yaml", "Pod", "", "pod-test-1", PASS),
    case("kube-score-133", "kube-score", "container-memory-requests-equal-limits", "kube-score/score/testdata/pod-test-resources-no-limits.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-134", "kube-score", "container-memory-requests-equal-limits", "kube-score/score/testdata/pod-test-resources-no-limits-annotation-optional.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-137", "kube-score", "container-resources", "kube-score/score/testdata/deployment-test-resources.yaml", "Deployment", "", "deployment-test-1", FLAG),
    case("kube-score-138", "kube-score", "container-resources", "kube-score/score/testdata/statefulset-test-resources.yaml", "StatefulSet", "", "statefulset-test-1", FLAG),
    case("kube-score-139", "kube-score", "container-image-tag", "kube-score/score/testdata/pod-image-tag-latest.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-140", "kube-score", "container-image-tag", "kube-score/score/testdata/pod-image-tag-fixed.yaml", "Pod", "", "pod-test-1", PASS),
    case("kube-score-159", "kube-score", "container-seccomp-profile", "kube-score/score/testdata/pod-seccomp-no-annotation.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-160", "kube-score", "container-seccomp-profile", "kube-score/score/testdata/pod-seccomp-securecontext-ok.yaml", "Pod", "", "pod-test-1", PASS),
    case("kube-score-161", "kube-score", "container-seccomp-profile", "kube-score/score/testdata/pod-seccomp-container-securecontext-ok.yaml", "Pod", "", "pod-test-1", PASS),
    case("kube-score-162", "kube-score", "container-seccomp-profile", "kube-score/score/testdata/pod-seccomp-securecontext-warning.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-163", "kube-score", "container-seccomp-profile", "kube-score/score/testdata/pod-seccomp-container-securecontext-warning.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-165", "kube-score", "container-seccomp-profile", "kube-score/score/testdata/pod-seccomp-annotated.yaml", "Pod", "", "pod-test-1", PASS),
    case("kube-score-166", "kube-score", "container-seccomp-profile", "kube-score/score/testdata/pod-seccomp-annotated-annotation-optional.yaml", "Pod", "", "pod-test-1", PASS),
    case("kube-score-171", "kube-score", "container-security-context-privileged", "kube-score/score/testdata/pod-security-context-all-good.yaml", "Pod", "", "pod-test-1", PASS),
    case("kube-score-172", "kube-score", "container-security-context-privileged", "kube-score/score/testdata/pod-security-context-privileged.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-173", "kube-score", "container-security-context-readonlyrootfilesystem", "kube-score/score/testdata/pod-security-context-all-good.yaml", "Pod", "", "pod-test-1", PASS),
    case("kube-score-174", "kube-score", "container-security-context-readonlyrootfilesystem", "kube-score/score/testdata/pod-security-context-writeablerootfilesystem.yaml", "Pod", "", "pod-test-1", FLAG),
    case("kube-score-175", "kube-score", "container-security-context-readonlyrootfilesystem", "kube-score/score/testdata/pod-security-context-nosecuritycontext.yaml", "Pod", "", "pod-test-1", FLAG),
    // ---- polaris
    case("polaris-060", "polaris", "cpuRequestsMissing", "polaris/test/checks/cpuRequestsMissing/failure.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-061", "polaris", "cpuRequestsMissing", "polaris/test/checks/cpuRequestsMissing/success.yaml", "Pod", "", "nginx", PASS),
    case("polaris-062", "polaris", "dangerousCapabilities", "polaris/test/checks/dangerousCapabilities/failure.all-caps.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-063", "polaris", "dangerousCapabilities", "polaris/test/checks/dangerousCapabilities/failure.all.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-064", "polaris", "dangerousCapabilities", "polaris/test/checks/dangerousCapabilities/failure.case.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-065", "polaris", "dangerousCapabilities", "polaris/test/checks/dangerousCapabilities/failure.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-066", "polaris", "dangerousCapabilities", "polaris/test/checks/dangerousCapabilities/success.yaml", "Pod", "", "nginx", PASS),
    case("polaris-067", "polaris", "deploymentMissingReplicas", "polaris/test/checks/deploymentMissingReplicas/failure.yaml", "Deployment", "", "nginx", FLAG),
    case("polaris-068", "polaris", "deploymentMissingReplicas", "polaris/test/checks/deploymentMissingReplicas/success.yaml", "Deployment", "", "nginx", PASS),
    case("polaris-069", "polaris", "hostIPCSet", "polaris/test/checks/hostIPCSet/failure.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-070", "polaris", "hostIPCSet", "polaris/test/checks/hostIPCSet/success.yaml", "Pod", "", "nginx", PASS),
    case("polaris-071", "polaris", "hostNetworkSet", "polaris/test/checks/hostNetworkSet/failure.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-072", "polaris", "hostNetworkSet", "polaris/test/checks/hostNetworkSet/success.yaml", "Pod", "", "nginx", PASS),
    case("polaris-073", "polaris", "hostPIDSet", "polaris/test/checks/hostPIDSet/failure.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-074", "polaris", "hostPIDSet", "polaris/test/checks/hostPIDSet/success.yaml", "Pod", "", "nginx", PASS),
    case("polaris-075", "polaris", "hostPathSet", "polaris/test/checks/hostPathSet/failure.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-076", "polaris", "hostPathSet", "polaris/test/checks/hostPathSet/success.yaml", "Pod", "", "nginx", PASS),
    case("polaris-083", "polaris", "hpaMaxAvailability", "polaris/test/checks/hpaMaxAvailability/failure.yaml", "HorizontalPodAutoscaler", "", "php-apache", FLAG),
    case("polaris-084", "polaris", "hpaMaxAvailability", "polaris/test/checks/hpaMaxAvailability/success.minAvailabilityAbsent.yaml", "HorizontalPodAutoscaler", "", "php-apache", PASS),
    case("polaris-085", "polaris", "hpaMaxAvailability", "polaris/test/checks/hpaMaxAvailability/success.yaml", "HorizontalPodAutoscaler", "", "php-apache", PASS),
    case("polaris-086", "polaris", "hpaMinAvailability", "polaris/test/checks/hpaMinAvailability/failure.yaml", "HorizontalPodAutoscaler", "", "php-apache", FLAG),
    case("polaris-087", "polaris", "hpaMinAvailability", "polaris/test/checks/hpaMinAvailability/success.minReplicaAbsent.yaml", "HorizontalPodAutoscaler", "", "php-apache", PASS),
    case("polaris-088", "polaris", "hpaMinAvailability", "polaris/test/checks/hpaMinAvailability/success.yaml", "HorizontalPodAutoscaler", "", "php-apache", PASS),
    case("polaris-089", "polaris", "insecureCapabilities", "polaris/test/checks/insecureCapabilities/failure.add.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-090", "polaris", "insecureCapabilities", "polaris/test/checks/insecureCapabilities/failure.drop-most.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-091", "polaris", "insecureCapabilities", "polaris/test/checks/insecureCapabilities/failure.pod.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-092", "polaris", "insecureCapabilities", "polaris/test/checks/insecureCapabilities/failure.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-093", "polaris", "insecureCapabilities", "polaris/test/checks/insecureCapabilities/success.all.yaml", "Pod", "", "nginx", PASS),
    case("polaris-094", "polaris", "insecureCapabilities", "polaris/test/checks/insecureCapabilities/success.case.yaml", "Pod", "", "nginx", PASS),
    case("polaris-095", "polaris", "insecureCapabilities", "polaris/test/checks/insecureCapabilities/success.drop.yaml", "Pod", "", "nginx", PASS),
    case("polaris-096", "polaris", "insecureCapabilities", "polaris/test/checks/insecureCapabilities/success.pod.yaml", "Pod", "", "nginx", PASS),
    case("polaris-097", "polaris", "insecureCapabilities", "polaris/test/checks/insecureCapabilities/success.yaml", "Pod", "", "nginx", PASS),
    case("polaris-113", "polaris", "livenessProbeMissing", "polaris/test/checks/livenessProbeMissing/failure.yaml", "Pod", "", "liveness-exec", FLAG),
    case("polaris-114", "polaris", "livenessProbeMissing", "polaris/test/checks/livenessProbeMissing/success.yaml", "Pod", "", "liveness-exec", PASS),
    case("polaris-115", "polaris", "memoryLimitsMissing", "polaris/test/checks/memoryLimitsMissing/failure.cpu.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-116", "polaris", "memoryLimitsMissing", "polaris/test/checks/memoryLimitsMissing/failure.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-117", "polaris", "memoryLimitsMissing", "polaris/test/checks/memoryLimitsMissing/success.yaml", "Pod", "", "nginx", PASS),
    case("polaris-118", "polaris", "memoryRequestsMissing", "polaris/test/checks/memoryRequestsMissing/failure.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-119", "polaris", "memoryRequestsMissing", "polaris/test/checks/memoryRequestsMissing/success.yaml", "Pod", "", "nginx", PASS),
    case("polaris-123", "polaris", "missingNetworkPolicy", "polaris/test/checks/missingNetworkPolicy/failure.netpol_missing_egress_in_policytypes.yaml", "Pod", "", "test-pod", FLAG),
    case("polaris-124", "polaris", "missingNetworkPolicy", "polaris/test/checks/missingNetworkPolicy/failure.netpol_missing_egress_rules.yaml", "Pod", "", "test-pod", FLAG),
    case("polaris-125", "polaris", "missingNetworkPolicy", "polaris/test/checks/missingNetworkPolicy/failure.netpol_missing_ingress_in_policytypes.yaml", "Pod", "", "test-pod", FLAG),
    case("polaris-126", "polaris", "missingNetworkPolicy", "polaris/test/checks/missingNetworkPolicy/failure.netpol_missing_ingress_rules.yaml", "Pod", "", "test-pod", FLAG),
    case("polaris-127", "polaris", "missingNetworkPolicy", "polaris/test/checks/missingNetworkPolicy/failure.netpol_targets_wrong_pod_label.yaml", "Pod", "", "test-pod", FLAG),
    case("polaris-128", "polaris", "missingNetworkPolicy", "polaris/test/checks/missingNetworkPolicy/success.yaml", "Pod", "", "test-pod", PASS),
    case("polaris-129", "polaris", "missingPodDisruptionBudget", "polaris/test/checks/missingPodDisruptionBudget/failure-bad-ns.yaml", "Deployment", "rightnamespace", "zookeeper", FLAG),
    case("polaris-130", "polaris", "missingPodDisruptionBudget", "polaris/test/checks/missingPodDisruptionBudget/failure.bad-name.yaml", "Deployment", "", "zookeeper", FLAG),
    case("polaris-131", "polaris", "missingPodDisruptionBudget", "polaris/test/checks/missingPodDisruptionBudget/failure.empty-labels.yaml", "Deployment", "", "zookeeper", FLAG),
    case("polaris-132", "polaris", "missingPodDisruptionBudget", "polaris/test/checks/missingPodDisruptionBudget/failure.no-labels.yaml", "Deployment", "", "zookeeper", FLAG),
    case("polaris-133", "polaris", "missingPodDisruptionBudget", "polaris/test/checks/missingPodDisruptionBudget/failure.no-metadata.yaml", "Deployment", "", "zookeeper", FLAG),
    case("polaris-134", "polaris", "missingPodDisruptionBudget", "polaris/test/checks/missingPodDisruptionBudget/failure.wrong-place.yaml", "Deployment", "", "zookeeper", FLAG),
    case("polaris-135", "polaris", "missingPodDisruptionBudget", "polaris/test/checks/missingPodDisruptionBudget/failure.yaml", "Deployment", "", "zookeeper", FLAG),
    case("polaris-136", "polaris", "missingPodDisruptionBudget", "polaris/test/checks/missingPodDisruptionBudget/success.many.yaml", "Deployment", "", "zookeeper", PASS),
    case("polaris-137", "polaris", "missingPodDisruptionBudget", "polaris/test/checks/missingPodDisruptionBudget/success.yaml", "Deployment", "", "zookeeper", PASS),
    case("polaris-140", "polaris", "notReadOnlyRootFilesystem", "polaris/test/checks/notReadOnlyRootFilesystem/failure.pod.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-141", "polaris", "notReadOnlyRootFilesystem", "polaris/test/checks/notReadOnlyRootFilesystem/failure.two_cont_one_unspecified.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-142", "polaris", "notReadOnlyRootFilesystem", "polaris/test/checks/notReadOnlyRootFilesystem/failure.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-143", "polaris", "notReadOnlyRootFilesystem", "polaris/test/checks/notReadOnlyRootFilesystem/success.pod.yaml", "Pod", "", "nginx", PASS),
    case("polaris-144", "polaris", "notReadOnlyRootFilesystem", "polaris/test/checks/notReadOnlyRootFilesystem/success.yaml", "Pod", "", "nginx", PASS),
    case("polaris-170", "polaris", "privilegeEscalationAllowed", "polaris/test/checks/privilegeEscalationAllowed/failure.pod.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-171", "polaris", "privilegeEscalationAllowed", "polaris/test/checks/privilegeEscalationAllowed/failure.pod_unspecified.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-172", "polaris", "privilegeEscalationAllowed", "polaris/test/checks/privilegeEscalationAllowed/failure.unspecified.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-173", "polaris", "privilegeEscalationAllowed", "polaris/test/checks/privilegeEscalationAllowed/failure.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-174", "polaris", "privilegeEscalationAllowed", "polaris/test/checks/privilegeEscalationAllowed/success.pod.yaml", "Pod", "", "nginx", PASS),
    case("polaris-175", "polaris", "privilegeEscalationAllowed", "polaris/test/checks/privilegeEscalationAllowed/success.yaml", "Pod", "", "nginx", PASS),
    case("polaris-184", "polaris", "readinessProbeMissing", "polaris/test/checks/readinessProbeMissing/failure.yaml", "Pod", "", "readiness-exec", FLAG),
    case("polaris-185", "polaris", "readinessProbeMissing", "polaris/test/checks/readinessProbeMissing/success.yaml", "Pod", "", "readiness-exec", PASS),
    case("polaris-271", "polaris", "runAsPrivileged", "polaris/test/checks/runAsPrivileged/failure.pod.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-272", "polaris", "runAsPrivileged", "polaris/test/checks/runAsPrivileged/failure.two_cont.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-273", "polaris", "runAsPrivileged", "polaris/test/checks/runAsPrivileged/failure.two_cont_one_unspecified.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-274", "polaris", "runAsPrivileged", "polaris/test/checks/runAsPrivileged/failure.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-275", "polaris", "runAsPrivileged", "polaris/test/checks/runAsPrivileged/success.pod.yaml", "Pod", "", "nginx", PASS),
    case("polaris-276", "polaris", "runAsPrivileged", "polaris/test/checks/runAsPrivileged/success.pod_no_cont.yaml", "Pod", "", "nginx", PASS),
    case("polaris-277", "polaris", "runAsPrivileged", "polaris/test/checks/runAsPrivileged/success.yaml", "Pod", "", "nginx", PASS),
    case("polaris-278", "polaris", "runAsRootAllowed", "polaris/test/checks/runAsRootAllowed/failure.yaml", "Deployment", "", "nginx", FLAG),
    case("polaris-279", "polaris", "runAsRootAllowed", "polaris/test/checks/runAsRootAllowed/success.yaml", "Deployment", "", "nginx", PASS),
    case("polaris-280", "polaris", "sensitiveConfigmapContent", "polaris/test/checks/sensitiveConfigmapContent/failure.key_aws_secret_access_key.yaml", "ConfigMap", "", "test-config", FLAG),
    case("polaris-281", "polaris", "sensitiveConfigmapContent", "polaris/test/checks/sensitiveConfigmapContent/failure.key_azure_batch_key.yaml", "ConfigMap", "", "test-config", FLAG),
    case("polaris-282", "polaris", "sensitiveConfigmapContent", "polaris/test/checks/sensitiveConfigmapContent/failure.key_oci_cli_key_content.yaml", "ConfigMap", "", "test-config", FLAG),
    case("polaris-283", "polaris", "sensitiveConfigmapContent", "polaris/test/checks/sensitiveConfigmapContent/failure.key_password.yaml", "ConfigMap", "", "test-config", FLAG),
    case("polaris-284", "polaris", "sensitiveConfigmapContent", "polaris/test/checks/sensitiveConfigmapContent/failure.value_private_key.yaml", "ConfigMap", "", "test-config", FLAG),
    case("polaris-285", "polaris", "sensitiveConfigmapContent", "polaris/test/checks/sensitiveConfigmapContent/success.no_data.yaml", "ConfigMap", "", "test-config", PASS),
    case("polaris-286", "polaris", "sensitiveConfigmapContent", "polaris/test/checks/sensitiveConfigmapContent/success.valid_keys_and_values.yaml", "ConfigMap", "", "test-config", PASS),
    case("polaris-287", "polaris", "sensitiveContainerEnvVar", "polaris/test/checks/sensitiveContainerEnvVar/failure.key_aws_secret_access_key.yaml", "Pod", "", "test-pod", FLAG),
    case("polaris-288", "polaris", "sensitiveContainerEnvVar", "polaris/test/checks/sensitiveContainerEnvVar/failure.key_azure_batch_key.yaml", "Pod", "", "test-pod", FLAG),
    case("polaris-289", "polaris", "sensitiveContainerEnvVar", "polaris/test/checks/sensitiveContainerEnvVar/failure.key_oci_cli_key_content.yaml", "Pod", "", "test-pod", FLAG),
    case("polaris-290", "polaris", "sensitiveContainerEnvVar", "polaris/test/checks/sensitiveContainerEnvVar/failure.key_password.yaml", "Pod", "", "test-pod", FLAG),
    case("polaris-291", "polaris", "sensitiveContainerEnvVar", "polaris/test/checks/sensitiveContainerEnvVar/failure.value_private_key.yaml", "Pod", "", "test-pod", FLAG),
    case("polaris-292", "polaris", "sensitiveContainerEnvVar", "polaris/test/checks/sensitiveContainerEnvVar/success.no_env_vars.yaml", "Pod", "", "test-pod", PASS),
    case("polaris-293", "polaris", "sensitiveContainerEnvVar", "polaris/test/checks/sensitiveContainerEnvVar/success.sensitive_key_uses_valueFrom.yaml", "Pod", "", "test-pod", PASS),
    case("polaris-294", "polaris", "sensitiveContainerEnvVar", "polaris/test/checks/sensitiveContainerEnvVar/success.valid_env_vars.yaml", "Pod", "", "test-pod", PASS),
    case("polaris-295", "polaris", "tagNotSpecified", "polaris/test/checks/tagNotSpecified/failure.latest.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-296", "polaris", "tagNotSpecified", "polaris/test/checks/tagNotSpecified/failure.yaml", "Pod", "", "nginx", FLAG),
    case("polaris-297", "polaris", "tagNotSpecified", "polaris/test/checks/tagNotSpecified/success.yaml", "Pod", "", "nginx", PASS),
    // ---- kube-linter
    case("kube-linter-027:Deployment/dont-fire", "kube-linter", "latest-tag", "kube-linter/tests/checks/latest-tag.yml", "Deployment", "", "dont-fire", PASS),
    case("kube-linter-027:Deployment/app", "kube-linter", "latest-tag", "kube-linter/tests/checks/latest-tag.yml", "Deployment", "", "app", FLAG),
    case("kube-linter-035:Deployment/dont-fire", "kube-linter", "no-read-only-root-fs", "kube-linter/tests/checks/no-read-only-root-fs.yml", "Deployment", "", "dont-fire", PASS),
    case("kube-linter-035:Deployment/app1", "kube-linter", "no-read-only-root-fs", "kube-linter/tests/checks/no-read-only-root-fs.yml", "Deployment", "", "app1", FLAG),
    case("kube-linter-045:Deployment/dont-fire", "kube-linter", "privileged-container", "kube-linter/tests/checks/privileged-container.yml", "Deployment", "", "dont-fire", PASS),
    case("kube-linter-045:Deployment/app1", "kube-linter", "privileged-container", "kube-linter/tests/checks/privileged-container.yml", "Deployment", "", "app1", FLAG),
    case("kube-linter-052:Deployment/dont-fire", "kube-linter", "run-as-non-root", "kube-linter/tests/checks/run-as-non-root.yml", "Deployment", "", "dont-fire", PASS),
    case("kube-linter-052:Deployment/app1", "kube-linter", "run-as-non-root", "kube-linter/tests/checks/run-as-non-root.yml", "Deployment", "", "app1", FLAG),
    case("kube-linter-052:Deployment/group-zero", "kube-linter", "run-as-non-root", "kube-linter/tests/checks/run-as-non-root.yml", "Deployment", "", "group-zero", FLAG),
    case("kube-linter-061", "kube-linter", "unset-cpu-requirements", "kube-linter/tests/checks/unset-cpu-requirements.yml", "Deployment", "", "app1", FLAG),
    case("kube-linter-062", "kube-linter", "unset-memory-requirements", "kube-linter/tests/checks/unset-memory-requirements.yml", "Deployment", "", "app1", FLAG),
    case("kube-linter-033:Deployment/dont-fire", "kube-linter", "no-liveness-probe", "kube-linter/tests/checks/no-liveness-probe.yml", "Deployment", "", "dont-fire", PASS),
    case("kube-linter-033:Deployment/app1", "kube-linter", "no-liveness-probe", "kube-linter/tests/checks/no-liveness-probe.yml", "Deployment", "", "app1", FLAG),
    case("kube-linter-036:Deployment/dont-fire", "kube-linter", "no-readiness-probe", "kube-linter/tests/checks/no-readiness-probe.yml", "Deployment", "", "dont-fire", PASS),
    case("kube-linter-036:Deployment/app1", "kube-linter", "no-readiness-probe", "kube-linter/tests/checks/no-readiness-probe.yml", "Deployment", "", "app1", FLAG),
    case("kube-linter-044:Deployment/dont-fire", "kube-linter", "privilege-escalation-container", "kube-linter/tests/checks/privilege-escalation-container.yml", "Deployment", "", "dont-fire", PASS),
    case("kube-linter-044:Deployment/app1", "kube-linter", "privilege-escalation-container", "kube-linter/tests/checks/privilege-escalation-container.yml", "Deployment", "", "app1", FLAG),
    case("kube-linter-021:Deployment/dont-fire", "kube-linter", "host-ipc", "kube-linter/tests/checks/host-ipc.yml", "Deployment", "", "dont-fire", PASS),
    case("kube-linter-021:Deployment/app", "kube-linter", "host-ipc", "kube-linter/tests/checks/host-ipc.yml", "Deployment", "", "app", FLAG),
    case("kube-linter-022:Deployment/dont-fire", "kube-linter", "host-network", "kube-linter/tests/checks/host-network.yml", "Deployment", "", "dont-fire", PASS),
    case("kube-linter-022:Deployment/app", "kube-linter", "host-network", "kube-linter/tests/checks/host-network.yml", "Deployment", "", "app", FLAG),
    case("kube-linter-023:Deployment/dont-fire", "kube-linter", "host-pid", "kube-linter/tests/checks/host-pid.yml", "Deployment", "", "dont-fire", PASS),
    case("kube-linter-023:Deployment/app", "kube-linter", "host-pid", "kube-linter/tests/checks/host-pid.yml", "Deployment", "", "app", FLAG),
    case("kube-linter-015:Deployment/dont-fire", "kube-linter", "docker-sock", "kube-linter/tests/checks/docker-sock.yml", "Deployment", "", "dont-fire", PASS),
    case("kube-linter-015:Deployment/app", "kube-linter", "docker-sock", "kube-linter/tests/checks/docker-sock.yml", "Deployment", "", "app", FLAG),
    case("kube-linter-065", "kube-linter", "writable-host-mount", "kube-linter/tests/checks/writable-host-mount.yml", "Deployment", "", "app1", FLAG),
    case("kube-linter-055", "kube-linter", "sensitive-host-mounts", "kube-linter/tests/checks/sensitive-host-mounts.yml", "Deployment", "", "app1", FLAG),
    case("kube-linter-016:Deployment/dont-fire", "kube-linter", "drop-net-raw-capability", "kube-linter/tests/checks/drop-net-raw-capability.yml", "Deployment", "", "dont-fire", FLAG),
    case("kube-linter-016:Deployment/app", "kube-linter", "drop-net-raw-capability", "kube-linter/tests/checks/drop-net-raw-capability.yml", "Deployment", "", "app", FLAG),
    case("kube-linter-019:Deployment/dont-fire", "kube-linter", "env-var-secret", "kube-linter/tests/checks/env-var-secret.yml", "Deployment", "", "dont-fire", PASS),
    case("kube-linter-019:Deployment/app", "kube-linter", "env-var-secret", "kube-linter/tests/checks/env-var-secret.yml", "Deployment", "", "app", FLAG),
    case("kube-linter-047", "kube-linter", "read-secret-from-env-var", "kube-linter/tests/checks/read-secret-from-env-var.yml", "Deployment", "", "app1", FLAG),
    case("kube-linter-012:Deployment/dont-fire", "kube-linter", "default-service-account", "kube-linter/tests/checks/default-service-account.yml", "Deployment", "", "dont-fire", PASS),
    case("kube-linter-012:Deployment/app", "kube-linter", "default-service-account", "kube-linter/tests/checks/default-service-account.yml", "Deployment", "", "app", FLAG),
    case("kube-linter-039:Deployment/dont-fire", "kube-linter", "non-isolated-pod", "kube-linter/tests/checks/non-isolated-pod.yml", "Deployment", "", "dont-fire", PASS),
    case("kube-linter-039:Deployment/app1", "kube-linter", "non-isolated-pod", "kube-linter/tests/checks/non-isolated-pod.yml", "Deployment", "", "app1", FLAG),
    case("kube-linter-037:Deployment/app1", "kube-linter", "no-rolling-update-strategy", "kube-linter/tests/checks/no-rolling-update-strategy.yml", "Deployment", "", "app1", FLAG),
    case("kube-linter-037:Deployment/app3", "kube-linter", "no-rolling-update-strategy", "kube-linter/tests/checks/no-rolling-update-strategy.yml", "Deployment", "", "app3", PASS),
    case("kube-linter-026:Job/bad-job", "kube-linter", "job-ttl-seconds-after-finished", "kube-linter/tests/checks/job-ttl-seconds-after-finished.yaml", "Job", "", "bad-job", FLAG),
    case("kube-linter-026:Job/good-job", "kube-linter", "job-ttl-seconds-after-finished", "kube-linter/tests/checks/job-ttl-seconds-after-finished.yaml", "Job", "", "good-job", PASS),
    case("kube-linter-026:CronJob/bad-cronjob", "kube-linter", "job-ttl-seconds-after-finished", "kube-linter/tests/checks/job-ttl-seconds-after-finished.yaml", "CronJob", "", "bad-cronjob", FLAG),
    case("kube-linter-026:CronJob/good-cronjob", "kube-linter", "job-ttl-seconds-after-finished", "kube-linter/tests/checks/job-ttl-seconds-after-finished.yaml", "CronJob", "", "good-cronjob", PASS),
    Case {
        lines: Some((2, 10)),
        ..case("kube-linter-064:Role/role1@2", "kube-linter", "wildcard-in-rules", "kube-linter/tests/checks/wildcard-in-rules.yml", "Role", "namespace-dev", "role1", PASS)
    },
    Case {
        lines: Some((12, 21)),
        ..case("kube-linter-064:Role/role1@12", "kube-linter", "wildcard-in-rules", "kube-linter/tests/checks/wildcard-in-rules.yml", "Role", "namespace-dev", "role1", FLAG)
    },
    case("kube-linter-050:Deployment/dont-fire", "kube-linter", "required-label-owner", "kube-linter/tests/checks/required-label-owner.yml", "Deployment", "", "dont-fire", PASS),
    case("kube-linter-050:Deployment/app1", "kube-linter", "required-label-owner", "kube-linter/tests/checks/required-label-owner.yml", "Deployment", "", "app1", FLAG),
    // ---- checkov
    case("checkov-003:DaemonSet/nginx-ingress-controller", "checkov", "CKV_K8S_20", "checkov/tests/kubernetes/checks/example_AllowPrivilegeEscalation/ds-nginx-ingress-FAILED.yaml", "DaemonSet", "example-ns", "nginx-ingress-controller", FLAG),
    case("checkov-003:Pod/my-nginx", "checkov", "CKV_K8S_20", "checkov/tests/kubernetes/checks/example_AllowPrivilegeEscalation/nginx-app-FAILED.json", "Pod", "nginx", "my-nginx", FLAG),
    case("checkov-003:Pod/security-context-demo", "checkov", "CKV_K8S_20", "checkov/tests/kubernetes/checks/example_AllowPrivilegeEscalation/pod-runas1000-PASSED.yaml", "Pod", "", "security-context-demo", PASS),
    case("checkov-003:Pod/attacker-pod", "checkov", "CKV_K8S_20", "checkov/tests/kubernetes/checks/example_AllowPrivilegeEscalation/pod-to-node-FAILED.yaml", "Pod", "", "attacker-pod", FLAG),
    case("checkov-003:Deployment/hello", "checkov", "CKV_K8S_20", "checkov/tests/kubernetes/checks/example_AllowPrivilegeEscalation/rootDeployment-PASSED.yaml", "Deployment", "", "hello", PASS),
    case("checkov-004:StatefulSet/cassandra", "checkov", "CKV_K8S_25", "checkov/tests/kubernetes/checks/example_AllowedCapabilities/cassandra-FAILED.yaml", "StatefulSet", "", "cassandra", FLAG),
    case("checkov-004:CronJob/hello", "checkov", "CKV_K8S_25", "checkov/tests/kubernetes/checks/example_AllowedCapabilities/cronjob-PASSED.yaml", "CronJob", "", "hello", PASS),
    case("checkov-004:Deployment/my-nginx", "checkov", "CKV_K8S_25", "checkov/tests/kubernetes/checks/example_AllowedCapabilities/nginx-deployment-PASSED.yaml", "Deployment", "", "my-nginx", PASS),
    case("checkov-006:CronJob/hello", "checkov", "CKV_K8S_39", "checkov/tests/kubernetes/checks/example_AllowedCapabilitiesSysAdmin/cronjob-PASSED.yaml", "CronJob", "", "hello", PASS),
    case("checkov-006:Pod/security-context-demo-1", "checkov", "CKV_K8S_39", "checkov/tests/kubernetes/checks/example_AllowedCapabilitiesSysAdmin/pod-FAILED.yaml", "Pod", "", "security-context-demo-1", FLAG),
    case("checkov-050:Pod/pod-drop-net-raw-capability@pod-drop-NET_RAW-capabilities-FAILED-MISSING.yaml", "checkov", "CKV_K8S_28", "checkov/tests/kubernetes/checks/example_DropCapabilities/pod-drop-NET_RAW-capabilities-FAILED-MISSING.yaml", "Pod", "", "pod-drop-net-raw-capability", FLAG),
    case("checkov-050:Pod/pod-drop-net-raw-capability@pod-drop-NET_RAW-capabilities-PASSED.yaml", "checkov", "CKV_K8S_28", "checkov/tests/kubernetes/checks/example_DropCapabilities/pod-drop-NET_RAW-capabilities-PASSED.yaml", "Pod", "", "pod-drop-net-raw-capability", PASS),
    case("checkov-050:Pod/pod-drop-all-capability@pod-drop-all-capabilities-PASSED.yaml", "checkov", "CKV_K8S_28", "checkov/tests/kubernetes/checks/example_DropCapabilities/pod-drop-all-capabilities-PASSED.yaml", "Pod", "", "pod-drop-all-capability", PASS),
    case("checkov-050:Pod/pod-drop-all-capability@pod-drop-all-capabilities-PASSED2.yaml", "checkov", "CKV_K8S_28", "checkov/tests/kubernetes/checks/example_DropCapabilities/pod-drop-all-capabilities-PASSED2.yaml", "Pod", "", "pod-drop-all-capability", PASS),
    case("checkov-050:Pod/pod-drop-none", "checkov", "CKV_K8S_28", "checkov/tests/kubernetes/checks/example_DropCapabilities/pod-drop-none-FAILED.yaml", "Pod", "", "pod-drop-none", FLAG),
    case("checkov-081:Pod/pod-drop-net-raw-capability@pod-drop-NET_RAW-capabilities-FAILED-MISSING.yaml", "checkov", "CKV_K8S_37", "checkov/tests/kubernetes/checks/example_DropCapabilities/pod-drop-NET_RAW-capabilities-FAILED-MISSING.yaml", "Pod", "", "pod-drop-net-raw-capability", FLAG),
    case("checkov-081:Pod/pod-drop-net-raw-capability@pod-drop-NET_RAW-capabilities-PASSED.yaml", "checkov", "CKV_K8S_37", "checkov/tests/kubernetes/checks/example_DropCapabilities/pod-drop-NET_RAW-capabilities-PASSED.yaml", "Pod", "", "pod-drop-net-raw-capability", FLAG),
    case("checkov-081:Pod/pod-drop-all-capability@pod-drop-all-capabilities-PASSED.yaml", "checkov", "CKV_K8S_37", "checkov/tests/kubernetes/checks/example_DropCapabilities/pod-drop-all-capabilities-PASSED.yaml", "Pod", "", "pod-drop-all-capability", PASS),
    case("checkov-081:Pod/pod-drop-all-capability@pod-drop-all-capabilities-PASSED2.yaml", "checkov", "CKV_K8S_37", "checkov/tests/kubernetes/checks/example_DropCapabilities/pod-drop-all-capabilities-PASSED2.yaml", "Pod", "", "pod-drop-all-capability", PASS),
    case("checkov-081:Pod/pod-drop-none", "checkov", "CKV_K8S_37", "checkov/tests/kubernetes/checks/example_DropCapabilities/pod-drop-none-FAILED.yaml", "Pod", "", "pod-drop-none", FLAG),
    case("checkov-041:CronJob/pghero-capture-query-stats", "checkov", "CKV_K8S_10", "checkov/tests/kubernetes/checks/example_Requests_Limits/cronjob-request-limit-1FAILED.yaml", "CronJob", "", "pghero-capture-query-stats", FLAG),
    case("checkov-041:Pod/frontend@pod-requests-limits-1FAILED1PASSED.yaml", "checkov", "CKV_K8S_10", "checkov/tests/kubernetes/checks/example_Requests_Limits/pod-requests-limits-1FAILED1PASSED.yaml", "Pod", "", "frontend", FLAG),
    case("checkov-041:Pod/frontend@pod-requests-limits-2PASSED.yaml", "checkov", "CKV_K8S_10", "checkov/tests/kubernetes/checks/example_Requests_Limits/pod-requests-limits-2PASSED.yaml", "Pod", "", "frontend", PASS),
    case("checkov-080:CronJob/pghero-capture-query-stats", "checkov", "CKV_K8S_12", "checkov/tests/kubernetes/checks/example_Requests_Limits/cronjob-request-limit-1FAILED.yaml", "CronJob", "", "pghero-capture-query-stats", FLAG),
    case("checkov-080:Pod/frontend@pod-requests-limits-1FAILED1PASSED.yaml", "checkov", "CKV_K8S_12", "checkov/tests/kubernetes/checks/example_Requests_Limits/pod-requests-limits-1FAILED1PASSED.yaml", "Pod", "", "frontend", FLAG),
    case("checkov-080:Pod/frontend@pod-requests-limits-2PASSED.yaml", "checkov", "CKV_K8S_12", "checkov/tests/kubernetes/checks/example_Requests_Limits/pod-requests-limits-2PASSED.yaml", "Pod", "", "frontend", PASS),
    case("checkov-079:CronJob/pghero-capture-query-stats", "checkov", "CKV_K8S_13", "checkov/tests/kubernetes/checks/example_Requests_Limits/cronjob-request-limit-1FAILED.yaml", "CronJob", "", "pghero-capture-query-stats", FLAG),
    case("checkov-079:Pod/frontend@pod-requests-limits-1FAILED1PASSED.yaml", "checkov", "CKV_K8S_13", "checkov/tests/kubernetes/checks/example_Requests_Limits/pod-requests-limits-1FAILED1PASSED.yaml", "Pod", "", "frontend", FLAG),
    case("checkov-079:Pod/frontend@pod-requests-limits-2PASSED.yaml", "checkov", "CKV_K8S_13", "checkov/tests/kubernetes/checks/example_Requests_Limits/pod-requests-limits-2PASSED.yaml", "Pod", "", "frontend", PASS),
    case("checkov-047:ServiceAccount/default@DefaultServiceAccount-FAILED.yaml", "checkov", "CKV_K8S_41", "checkov/tests/kubernetes/checks/example_DefaultServiceAccount/DefaultServiceAccount-FAILED.yaml", "ServiceAccount", "awesomeness", "default", FLAG),
    case("checkov-047:ServiceAccount/default@DefaultServiceAccount-FAILED2.yaml", "checkov", "CKV_K8S_41", "checkov/tests/kubernetes/checks/example_DefaultServiceAccount/DefaultServiceAccount-FAILED2.yaml", "ServiceAccount", "awesomeness", "default", FLAG),
    case("checkov-047:ServiceAccount/default@DefaultServiceAccount-PASSED.yaml", "checkov", "CKV_K8S_41", "checkov/tests/kubernetes/checks/example_DefaultServiceAccount/DefaultServiceAccount-PASSED.yaml", "ServiceAccount", "awesomeness", "default", PASS),
    case("checkov-047:ServiceAccount/notdefault", "checkov", "CKV_K8S_41", "checkov/tests/kubernetes/checks/example_DefaultServiceAccount/DefaultServiceAccount-PASSED.yaml", "ServiceAccount", "awesomeness", "notdefault", PASS),
    case("checkov-049:CronJob/nginx-pod", "checkov", "CKV_K8S_27", "checkov/tests/kubernetes/checks/example_DockerSocketVolume/CronJob-pass.yaml", "CronJob", "", "nginx-pod", PASS),
    case("checkov-049:DaemonSet/cloudwatch-agent", "checkov", "CKV_K8S_27", "checkov/tests/kubernetes/checks/example_DockerSocketVolume/cloudwatch-agent-1PASSED-1FAILED.yaml", "DaemonSet", "amazon-cloudwatch", "cloudwatch-agent", FLAG),
    case("checkov-049:DaemonSet/fluentd-cloudwatch", "checkov", "CKV_K8S_27", "checkov/tests/kubernetes/checks/example_DockerSocketVolume/cloudwatch-agent-1PASSED-1FAILED.yaml", "DaemonSet", "amazon-cloudwatch", "fluentd-cloudwatch", PASS),
    case("checkov-049:Deployment/weave-scope-app", "checkov", "CKV_K8S_27", "checkov/tests/kubernetes/checks/example_DockerSocketVolume/scope-2PASSED-1FAILED.yaml", "Deployment", "weave", "weave-scope-app", PASS),
    case("checkov-049:Deployment/weave-scope-cluster-agent", "checkov", "CKV_K8S_27", "checkov/tests/kubernetes/checks/example_DockerSocketVolume/scope-2PASSED-1FAILED.yaml", "Deployment", "weave", "weave-scope-cluster-agent", PASS),
    case("checkov-049:DaemonSet/weave-scope-agent", "checkov", "CKV_K8S_27", "checkov/tests/kubernetes/checks/example_DockerSocketVolume/scope-2PASSED-1FAILED.yaml", "DaemonSet", "weave", "weave-scope-agent", FLAG),
    case("checkov-059:StatefulSet/kafka@imageWithDigest-PASSED.yaml", "checkov", "CKV_K8S_14", "checkov/tests/kubernetes/checks/example_ImageTagFixed/imageWithDigest-PASSED.yaml", "StatefulSet", "", "kafka", PASS),
    case("checkov-059:StatefulSet/kafka@imageWithTagAndDigest-PASSED.yaml", "checkov", "CKV_K8S_14", "checkov/tests/kubernetes/checks/example_ImageTagFixed/imageWithTagAndDigest-PASSED.yaml", "StatefulSet", "", "kafka", PASS),
    case("checkov-059:Job/countdown", "checkov", "CKV_K8S_14", "checkov/tests/kubernetes/checks/example_ImageTagFixed/job-ImageTagLatest-FAILED.yaml", "Job", "", "countdown", FLAG),
    case("checkov-059:StatefulSet/kafka@kafka-ImageWithRepo-PASSED.yaml", "checkov", "CKV_K8S_14", "checkov/tests/kubernetes/checks/example_ImageTagFixed/kafka-ImageWithRepo-PASSED.yaml", "StatefulSet", "", "kafka", PASS),
    case("checkov-059:StatefulSet/kafka@kafka-PASSED.yaml", "checkov", "CKV_K8S_14", "checkov/tests/kubernetes/checks/example_ImageTagFixed/kafka-PASSED.yaml", "StatefulSet", "", "kafka", PASS),
    case("checkov-059:Pod/zookeeper", "checkov", "CKV_K8S_14", "checkov/tests/kubernetes/checks/example_ImageTagFixed/storm-zookeeper-FAILED.json", "Pod", "", "zookeeper", FLAG),
    case("checkov-078:Pod/liveness-exec@pod-liveness-readiness-2pods.yaml", "checkov", "CKV_K8S_8", "checkov/tests/kubernetes/checks/example_LivenessReadiness/pod-liveness-readiness-2pods.yaml", "Pod", "", "liveness-exec", FLAG),
    case("checkov-078:Pod/liveness-exec@pod-liveness-readiness-PASSED.yaml", "checkov", "CKV_K8S_8", "checkov/tests/kubernetes/checks/example_LivenessReadiness/pod-liveness-readiness-PASSED.yaml", "Pod", "", "liveness-exec", PASS),
    case("checkov-095:Pod/liveness-exec@pod-liveness-readiness-2pods.yaml", "checkov", "CKV_K8S_9", "checkov/tests/kubernetes/checks/example_LivenessReadiness/pod-liveness-readiness-2pods.yaml", "Pod", "", "liveness-exec", FLAG),
    case("checkov-095:Pod/liveness-exec@pod-liveness-readiness-PASSED.yaml", "checkov", "CKV_K8S_9", "checkov/tests/kubernetes/checks/example_LivenessReadiness/pod-liveness-readiness-PASSED.yaml", "Pod", "", "liveness-exec", PASS),
    case("checkov-088:Deployment/my-nginx", "checkov", "CKV_K8S_16", "checkov/tests/kubernetes/checks/example_PrivilegedContainers/nginx-deployment-PASSED.yaml", "Deployment", "", "my-nginx", PASS),
    case("checkov-088:DaemonSet/privileged", "checkov", "CKV_K8S_16", "checkov/tests/kubernetes/checks/example_PrivilegedContainers/privilegedDaemonSet-FAILED.yaml", "DaemonSet", "", "privileged", FLAG),
    case("checkov-088:Pod/privileged", "checkov", "CKV_K8S_16", "checkov/tests/kubernetes/checks/example_PrivilegedContainers/privilegedPod-FAILED.yaml", "Pod", "", "privileged", FLAG),
    case("checkov-116:Role/test-should-fail-1", "checkov", "CKV_K8S_49", "checkov/tests/kubernetes/checks/example_WildcardRoles/role-failed-1.yaml", "Role", "test", "test-should-fail-1", FLAG),
    case("checkov-116:Role/test-should-fail-2", "checkov", "CKV_K8S_49", "checkov/tests/kubernetes/checks/example_WildcardRoles/role-failed-2.yaml", "Role", "test", "test-should-fail-2", FLAG),
    case("checkov-116:ClusterRole/test-should-fail-3", "checkov", "CKV_K8S_49", "checkov/tests/kubernetes/checks/example_WildcardRoles/role-failed-3.yaml", "ClusterRole", "test", "test-should-fail-3", FLAG),
    case("checkov-116:Role/test-should-pass-3", "checkov", "CKV_K8S_49", "checkov/tests/kubernetes/checks/example_WildcardRoles/role-passed-1.yaml", "Role", "test", "test-should-pass-3", PASS),
    case("checkov-116:Role/test-should-pass-2", "checkov", "CKV_K8S_49", "checkov/tests/kubernetes/checks/example_WildcardRoles/role-passed-2.yaml", "Role", "test", "test-should-pass-2", PASS),
    case("checkov-094:ReplicaSet/frontend", "checkov", "CKV_K8S_22", "checkov/tests/kubernetes/checks/example_ReadOnlyFilesystem/frontend-replicaset-FAILED.yaml", "ReplicaSet", "", "frontend", FLAG),
    case("checkov-094:Pod/readonly-container@pod-readonly-PASSED.yaml", "checkov", "CKV_K8S_22", "checkov/tests/kubernetes/checks/example_ReadOnlyFilesystem/pod-readonly-PASSED.yaml", "Pod", "", "readonly-container", PASS),
    case("checkov-094:Pod/readonly-container@pod-readonly-false-FAILED.yaml", "checkov", "CKV_K8S_22", "checkov/tests/kubernetes/checks/example_ReadOnlyFilesystem/pod-readonly-false-FAILED.yaml", "Pod", "", "readonly-container", FLAG),
    case("checkov-096:Pod/pod1@rootContainersFAILED.yaml", "checkov", "CKV_K8S_23", "checkov/tests/kubernetes/checks/example_RootContainers/rootContainersFAILED.yaml", "Pod", "", "pod1", FLAG),
    case("checkov-096:Pod/pod2@rootContainersFAILED.yaml", "checkov", "CKV_K8S_23", "checkov/tests/kubernetes/checks/example_RootContainers/rootContainersFAILED.yaml", "Pod", "", "pod2", FLAG),
    case("checkov-096:Pod/pod3@rootContainersFAILED.yaml", "checkov", "CKV_K8S_23", "checkov/tests/kubernetes/checks/example_RootContainers/rootContainersFAILED.yaml", "Pod", "", "pod3", FLAG),
    case("checkov-096:Pod/pod4@rootContainersFAILED.yaml", "checkov", "CKV_K8S_23", "checkov/tests/kubernetes/checks/example_RootContainers/rootContainersFAILED.yaml", "Pod", "", "pod4", FLAG),
    case("checkov-096:Deployment/external-dns", "checkov", "CKV_K8S_23", "checkov/tests/kubernetes/checks/example_RootContainers/rootContainersFAILED_2.yaml", "Deployment", "external-dns", "external-dns", FLAG),
    case("checkov-096:Pod/pod1@rootContainersPASSED.yaml", "checkov", "CKV_K8S_23", "checkov/tests/kubernetes/checks/example_RootContainers/rootContainersPASSED.yaml", "Pod", "", "pod1", PASS),
    case("checkov-096:Pod/pod2@rootContainersPASSED.yaml", "checkov", "CKV_K8S_23", "checkov/tests/kubernetes/checks/example_RootContainers/rootContainersPASSED.yaml", "Pod", "", "pod2", PASS),
    case("checkov-096:Pod/pod3@rootContainersPASSED.yaml", "checkov", "CKV_K8S_23", "checkov/tests/kubernetes/checks/example_RootContainers/rootContainersPASSED.yaml", "Pod", "", "pod3", PASS),
    case("checkov-096:Pod/pod4@rootContainersPASSED.yaml", "checkov", "CKV_K8S_23", "checkov/tests/kubernetes/checks/example_RootContainers/rootContainersPASSED.yaml", "Pod", "", "pod4", PASS),
    case("checkov-096:Pod/pod5", "checkov", "CKV_K8S_23", "checkov/tests/kubernetes/checks/example_RootContainers/rootContainersPASSED.yaml", "Pod", "", "pod5", PASS),
    case("checkov-102:CronJob/cronjob-failed", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/cronjob-seccomp-FAILED.yaml", "CronJob", "", "cronjob-failed", FLAG),
    case("checkov-102:Deployment/app-cert-manager", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/pod-seccomp-FAILED2.yaml", "Deployment", "infra", "app-cert-manager", FLAG),
    case("checkov-102:Pod/seccomp-failed", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/pod-seccomp-FAILED.yaml", "Pod", "", "seccomp-failed", FLAG),
    case("checkov-102:Pod/my-insecure-pod", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/pod-seccomp-FAILED3.yaml", "Pod", "", "my-insecure-pod", FLAG),
    case("checkov-102:CronJob/cronjob-passed", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/cronjob-seccomp-PASSED.yaml", "CronJob", "", "cronjob-passed", PASS),
    case("checkov-102:CronJob/cronjob-passed2", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/cronjob-seccomp-PASSED2.yaml", "CronJob", "", "cronjob-passed2", PASS),
    case("checkov-102:CronJob/cronjob-passed3", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/cronjob-seccomp-PASSED3.yaml", "CronJob", "", "cronjob-passed3", PASS),
    case("checkov-102:CronJob/cronjob-securityContext-passed", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/cronjob-seccomp-securityContext-PASSED.yaml", "CronJob", "", "cronjob-securityContext-passed", PASS),
    case("checkov-102:Deployment/seccomp-passed-deployment", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/pod-seccomp-PASSED4.yaml", "Deployment", "", "seccomp-passed-deployment", PASS),
    case("checkov-102:Deployment/seccomp-passed-metadata-annotations", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/pod-seccomp-PASSED6.yaml", "Deployment", "", "seccomp-passed-metadata-annotations", PASS),
    case("checkov-102:Pod/seccomp-passed-metadata-annotations-docker", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/pod-seccomp-PASSED.yaml", "Pod", "", "seccomp-passed-metadata-annotations-docker", PASS),
    case("checkov-102:Pod/seccomp-passed-metadata-annotations-runtime", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/pod-seccomp-PASSED2.yaml", "Pod", "", "seccomp-passed-metadata-annotations-runtime", PASS),
    case("checkov-102:Pod/seccomp-passed-security-context", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/pod-seccomp-PASSED3.yaml", "Pod", "", "seccomp-passed-security-context", PASS),
    case("checkov-102:StatefulSet/RELEASE-NAME", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/pod-seccomp-PASSED5.yaml", "StatefulSet", "default", "RELEASE-NAME", PASS),
    case("checkov-102:Pod/my-secure-pod", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/pod-seccomp-PASSED7.yaml", "Pod", "", "my-secure-pod", PASS),
    case("checkov-102:Deployment/fdn-svc", "checkov", "CKV_K8S_31", "checkov/tests/kubernetes/checks/example_Seccomp/template.yaml", "Deployment", "aws-dev", "fdn-svc", PASS),
    case("checkov-104:Deployment/my-nginx", "checkov", "CKV_K8S_35", "checkov/tests/kubernetes/checks/example_Secrets/nginx-NoSecret-PASSED.yaml", "Deployment", "", "my-nginx", PASS),
    case("checkov-104:Pod/secret-test-pod@pod-secretEnvironment-FAILED.yaml", "checkov", "CKV_K8S_35", "checkov/tests/kubernetes/checks/example_Secrets/pod-secretEnvironment-FAILED.yaml", "Pod", "", "secret-test-pod", FLAG),
    case("checkov-104:Pod/secret-test-pod-2", "checkov", "CKV_K8S_35", "checkov/tests/kubernetes/checks/example_Secrets/pod-secretEnvironment-FAILED.yaml", "Pod", "", "secret-test-pod-2", FLAG),
    case("checkov-104:Pod/secret-test-pod@pod-secretVolume-PASSED.yaml", "checkov", "CKV_K8S_35", "checkov/tests/kubernetes/checks/example_Secrets/pod-secretVolume-PASSED.yaml", "Pod", "", "secret-test-pod", PASS),
    case("checkov-108:CronJob/hello", "checkov", "CKV_K8S_17", "checkov/tests/kubernetes/checks/example_ShareHost/cronjob-hostresources-FAILED.yaml", "CronJob", "", "hello", FLAG),
    case("checkov-108:Deployment/RELEASE-NAME-jenkins", "checkov", "CKV_K8S_17", "checkov/tests/kubernetes/checks/example_ShareHost/jenkinsDeployment-PASSED.yaml", "Deployment", "default", "RELEASE-NAME-jenkins", PASS),
    case("checkov-108:StatefulSet/RELEASE-NAME-memcached", "checkov", "CKV_K8S_17", "checkov/tests/kubernetes/checks/example_ShareHost/memcachedStatefulSet-PASSED.yaml", "StatefulSet", "default", "RELEASE-NAME-memcached", PASS),
    case("checkov-108:DaemonSet/privileged", "checkov", "CKV_K8S_17", "checkov/tests/kubernetes/checks/example_ShareHost/privilegedDaemonSet-FAILED.yaml", "DaemonSet", "", "privileged", FLAG),
    case("checkov-108:Pod/privileged@privilegedPod-FAILED.yaml", "checkov", "CKV_K8S_17", "checkov/tests/kubernetes/checks/example_ShareHost/privilegedPod-FAILED.yaml", "Pod", "", "privileged", FLAG),
    case("checkov-108:Pod/privileged@privilegedPod-PASS.yaml", "checkov", "CKV_K8S_17", "checkov/tests/kubernetes/checks/example_ShareHost/privilegedPod-PASS.yaml", "Pod", "", "privileged", PASS),
    case("checkov-106:CronJob/hello", "checkov", "CKV_K8S_18", "checkov/tests/kubernetes/checks/example_ShareHost/cronjob-hostresources-FAILED.yaml", "CronJob", "", "hello", FLAG),
    case("checkov-106:Deployment/RELEASE-NAME-jenkins", "checkov", "CKV_K8S_18", "checkov/tests/kubernetes/checks/example_ShareHost/jenkinsDeployment-PASSED.yaml", "Deployment", "default", "RELEASE-NAME-jenkins", PASS),
    case("checkov-106:StatefulSet/RELEASE-NAME-memcached", "checkov", "CKV_K8S_18", "checkov/tests/kubernetes/checks/example_ShareHost/memcachedStatefulSet-PASSED.yaml", "StatefulSet", "default", "RELEASE-NAME-memcached", PASS),
    case("checkov-106:DaemonSet/privileged", "checkov", "CKV_K8S_18", "checkov/tests/kubernetes/checks/example_ShareHost/privilegedDaemonSet-FAILED.yaml", "DaemonSet", "", "privileged", FLAG),
    case("checkov-106:Pod/privileged@privilegedPod-FAILED.yaml", "checkov", "CKV_K8S_18", "checkov/tests/kubernetes/checks/example_ShareHost/privilegedPod-FAILED.yaml", "Pod", "", "privileged", FLAG),
    case("checkov-106:Pod/privileged@privilegedPod-PASS.yaml", "checkov", "CKV_K8S_18", "checkov/tests/kubernetes/checks/example_ShareHost/privilegedPod-PASS.yaml", "Pod", "", "privileged", PASS),
    case("checkov-110:CronJob/hello", "checkov", "CKV_K8S_19", "checkov/tests/kubernetes/checks/example_ShareHost/cronjob-hostresources-FAILED.yaml", "CronJob", "", "hello", FLAG),
    case("checkov-110:Deployment/RELEASE-NAME-jenkins", "checkov", "CKV_K8S_19", "checkov/tests/kubernetes/checks/example_ShareHost/jenkinsDeployment-PASSED.yaml", "Deployment", "default", "RELEASE-NAME-jenkins", PASS),
    case("checkov-110:StatefulSet/RELEASE-NAME-memcached", "checkov", "CKV_K8S_19", "checkov/tests/kubernetes/checks/example_ShareHost/memcachedStatefulSet-PASSED.yaml", "StatefulSet", "default", "RELEASE-NAME-memcached", PASS),
    case("checkov-110:DaemonSet/privileged", "checkov", "CKV_K8S_19", "checkov/tests/kubernetes/checks/example_ShareHost/privilegedDaemonSet-FAILED.yaml", "DaemonSet", "", "privileged", FLAG),
    case("checkov-110:Pod/privileged@privilegedPod-FAILED.yaml", "checkov", "CKV_K8S_19", "checkov/tests/kubernetes/checks/example_ShareHost/privilegedPod-FAILED.yaml", "Pod", "", "privileged", FLAG),
    case("checkov-110:Pod/privileged@privilegedPod-PASS.yaml", "checkov", "CKV_K8S_19", "checkov/tests/kubernetes/checks/example_ShareHost/privilegedPod-PASS.yaml", "Pod", "", "privileged", PASS),
    case("checkov-graph-CKV2_K8S_6:Deployment/internal-proxy-deployment", "checkov", "CKV2_K8S_6", "checkov/tests/kubernetes/graph/checks/resources/RequireAllPodsToHaveNetworkPolicy/template.yaml", "Deployment", "", "internal-proxy-deployment", PASS),
    case("checkov-graph-CKV2_K8S_6:Deployment/external-proxy-deployment", "checkov", "CKV2_K8S_6", "checkov/tests/kubernetes/graph/checks/resources/RequireAllPodsToHaveNetworkPolicy/template.yaml", "Deployment", "", "external-proxy-deployment", FLAG),
];

const R_CPU_LIMIT: &str = "kube-score's run_config requires a CPU limit (IgnoreContainerCpuLimitRequirement=false); kwar deliberately never asks for CPU limits (they throttle; the catalog wants cpu+memory requests and a memory limit)";
const R_MEM_LIMIT_OFF: &str = "run_config switches kube-score's memory-limit requirement off (IgnoreContainerMemoryLimitRequirement=true); kwar always wants a memory limit equal to the request (memory-limit-set warns)";
const R_BARE_POD_PROBE: &str = "the object is a bare Pod: probes are judged only on long_running workloads (Deployment/StatefulSet/DaemonSet/Rollout); kwar reports bare Pods under no-singleton-pods instead";
const R_NOT_SERVING: &str = "readiness-probe-defined only covers serving containers (containerPorts declared or selected by a Service); this container declares neither";
const R_SECCOMP_PSP_ANN: &str = "the only seccomp setting is the annotation seccomp.security.alpha.kubernetes.io/defaultProfileName, which belongs on PodSecurityPolicy objects; on a Pod it never selected a profile (the pod annotation is seccomp.security.alpha.kubernetes.io/pod), so the containers run without seccomp";
const R_RUNAS_GROUP: &str = "runAsUser is 1001, so the container cannot run as root; kube-linter also rejects runAsGroup 0 (root group), which kwar's non-root (a user check) does not judge";
const R_ROLLOUT_READINESS: &str = "the Deployment rolls out with RollingUpdate but its container has no readinessProbe; kwar's safe-rollout-strategy requires readiness probes for a safe rolling update (catalog pass condition) and warns, kube-score only looks at the strategy type";
const R_REQ_DEFAULTED: &str = "only limits are set: the API server defaults requests to the limits, so cpu and memory requests are effectively set (Guaranteed QoS) and the memory limit equals the request; kube-score wants the requests written out";
const R_V1_DEPLOYMENT: &str = "the fixture declares apiVersion v1 for a Deployment; core v1 has no Deployment kind (it is apps/v1), the API server rejects the object and kwar does not evaluate it as a workload";
const R_MINREP_DEPLOY: &str = "run_config MinReplicasDeployment=1 accepts a single replica; kwar's multiple-replicas threshold is fixed at 2";
const R_MINREP_HPA: &str = "run_config MinReplicasHPA=1 accepts minReplicas 1; kwar's hpa-min-max-sane warns on minReplicas 1";
const R_PDB_SCOPE: &str = "the workload has 1 replica (spec.replicas unset); pdb-present-and-permissive/pdbs-for-replicated only judge workloads with >= 2 replicas (catalog scope)";
const R_STRATEGY_SCOPE: &str = "safe-rollout-strategy only judges multi-replica Deployments; this one has 1 replica (spec.replicas unset)";
const R_NETPOL_DIR: &str = "the pod is selected by a NetworkPolicy; kwar's policy-coverage only asks that every pod is selected by some policy (missing egress/ingress default-deny is judged per namespace by default-deny), while the peer also wants both ingress and egress rules on the selecting policy";
const R_REQ_BOTH: &str = "kwar's requests-set needs both cpu and memory requests; the peer check looks at the memory request only and this container has no cpu request";
const R_DROP_ALL: &str = "kwar's capabilities check warns unless capabilities.drop contains ALL; the peer check only looks at added (or specific) capabilities";
const R_DROP_LIST: &str = "the container drops the peer's list of capabilities one by one but not ALL; kwar's capabilities check wants drop: [ALL]";
const R_HPA_COMBINED: &str = "minReplicas is omitted and defaults to 1 (autoscaling/v2 default), which kwar's hpa-min-max-sane warns on; the peer check only tests maxReplicas > minReplicas";
const R_HPA_MIN_ABSENT: &str = "minReplicas is omitted and defaults to 1 (autoscaling/v2 default); kwar warns on the effective value, the peer's schema only tests minReplicas when present";
const R_CM_KEYS: &str = "kwar's credential-key pattern (password|passwd|secret|token|api[_-]?key|private[_-]?key|credentials) does not match this provider-specific key name";
const R_MEMLIMIT_EQ: &str = "memory limit (128Mi) is greater than the request (64Mi); kwar's memory-limit-set wants limit == request (no memory overcommit) and warns, the peer check only wants a limit";
const R_APIGROUP_WILDCARD: &str =
    "the only wildcard is in apiGroups; kwar's no-wildcard-roles looks at verbs and resources";
const R_CRONJOB_TTL: &str = "kube-linter flags a CronJob whose jobTemplate sets ttlSecondsAfterFinished (possible conflict with the history limits); for kwar that ttl is exactly the cleanup finished-jobs-cleaned asks for";
const R_ROLLING_OTHER: &str = "safe-rollout-strategy only judges multi-replica Deployments and only warns on Recreate; this Deployment has 1 replica and the invalid strategy type 'Other'";
const R_DOCKERSOCK: &str = "kwar's host-namespaces-and-paths fails every writable hostPath (here /var/run/thing.sock); kube-linter's docker-sock only flags the Docker socket";

const DISAGREEMENTS: &[(&str, &str)] = &[
    ("kube-score-034", R_ROLLOUT_READINESS),
    ("kube-score-036", R_STRATEGY_SCOPE),
    ("kube-score-042", R_MINREP_DEPLOY),
    ("kube-score-054", R_MINREP_HPA),
    ("kube-score-066", R_NETPOL_DIR),
    ("kube-score-067", R_NETPOL_DIR),
    ("kube-score-091", R_PDB_SCOPE),
    ("kube-score-092", R_PDB_SCOPE),
    ("kube-score-095", R_PDB_SCOPE),
    ("kube-score-096", R_PDB_SCOPE),
    ("kube-score-100", R_PDB_SCOPE),
    ("kube-score-101", R_PDB_SCOPE),
    ("kube-score-109", R_BARE_POD_PROBE),
    ("kube-score-110", R_BARE_POD_PROBE),
    ("kube-score-114", R_BARE_POD_PROBE),
    ("kube-score-115", R_BARE_POD_PROBE),
    ("kube-score-116", R_BARE_POD_PROBE),
    ("kube-score-123", R_REQ_DEFAULTED),
    ("kube-score-126", R_CPU_LIMIT),
    ("kube-score-127", R_MEM_LIMIT_OFF),
    ("kube-score-137", R_REQ_DEFAULTED),
    ("kube-score-138", R_REQ_DEFAULTED),
    ("kube-score-165", R_SECCOMP_PSP_ANN),
    ("kube-score-166", R_SECCOMP_PSP_ANN),
    ("polaris-066", R_DROP_ALL),
    ("polaris-067", R_V1_DEPLOYMENT),
    ("polaris-084", R_HPA_COMBINED),
    ("polaris-087", R_HPA_MIN_ABSENT),
    ("polaris-094", R_DROP_LIST),
    ("polaris-096", R_DROP_LIST),
    ("polaris-097", R_DROP_LIST),
    ("polaris-113", R_BARE_POD_PROBE),
    ("polaris-119", R_REQ_BOTH),
    ("polaris-123", R_NETPOL_DIR),
    ("polaris-124", R_NETPOL_DIR),
    ("polaris-125", R_NETPOL_DIR),
    ("polaris-126", R_NETPOL_DIR),
    ("polaris-129", R_PDB_SCOPE),
    ("polaris-130", R_PDB_SCOPE),
    ("polaris-131", R_PDB_SCOPE),
    ("polaris-132", R_PDB_SCOPE),
    ("polaris-133", R_PDB_SCOPE),
    ("polaris-134", R_PDB_SCOPE),
    ("polaris-135", R_PDB_SCOPE),
    ("polaris-184", R_BARE_POD_PROBE),
    ("polaris-278", R_V1_DEPLOYMENT),
    ("polaris-281", R_CM_KEYS),
    ("polaris-282", R_CM_KEYS),
    ("kube-linter-052:Deployment/group-zero", R_RUNAS_GROUP),
    ("kube-linter-036:Deployment/app1", R_NOT_SERVING),
    ("kube-linter-015:Deployment/dont-fire", R_DOCKERSOCK),
    ("kube-linter-037:Deployment/app1", R_ROLLING_OTHER),
    ("kube-linter-026:CronJob/bad-cronjob", R_CRONJOB_TTL),
    ("checkov-004:CronJob/hello", R_DROP_ALL),
    ("checkov-004:Deployment/my-nginx", R_DROP_ALL),
    ("checkov-006:CronJob/hello", R_DROP_ALL),
    ("checkov-050:Pod/pod-drop-net-raw-capability@pod-drop-NET_RAW-capabilities-PASSED.yaml", R_DROP_LIST),
    ("checkov-079:Pod/frontend@pod-requests-limits-2PASSED.yaml", R_MEMLIMIT_EQ),
    ("checkov-049:DaemonSet/cloudwatch-agent", "the object is in amazon-cloudwatch, one of the catalog's system_namespaces, which workload checks exclude"),
    ("checkov-078:Pod/liveness-exec@pod-liveness-readiness-2pods.yaml", R_BARE_POD_PROBE),
    ("checkov-095:Pod/liveness-exec@pod-liveness-readiness-2pods.yaml", R_BARE_POD_PROBE),
    ("checkov-116:ClusterRole/test-should-fail-3", R_APIGROUP_WILDCARD),
    ("checkov-096:Deployment/external-dns", "the object is in external-dns, one of the catalog's system_namespaces, which workload checks exclude"),
    ("checkov-108:Pod/privileged@privilegedPod-PASS.yaml", "kwar's host-namespaces-and-paths also fails any writable hostPath volume; the peer check only looks at hostPID"),
    ("checkov-106:Pod/privileged@privilegedPod-PASS.yaml", "kwar's host-namespaces-and-paths also fails any writable hostPath volume; the peer check only looks at hostIPC"),
    ("checkov-110:Pod/privileged@privilegedPod-PASS.yaml", "kwar's host-namespaces-and-paths also fails any writable hostPath volume; the peer check only looks at hostNetwork"),
    ("checkov-102:CronJob/cronjob-passed", R_LEGACY_SECCOMP),
    ("checkov-102:Deployment/seccomp-passed-metadata-annotations", R_LEGACY_SECCOMP),
    ("checkov-102:Pod/seccomp-passed-metadata-annotations-docker", R_LEGACY_SECCOMP),
    ("checkov-102:Pod/seccomp-passed-metadata-annotations-runtime", R_LEGACY_SECCOMP),
];

const R_LEGACY_SECCOMP: &str = "the profile is set only through the seccomp.security.alpha.kubernetes.io annotations, which the kubelet ignores since Kubernetes 1.25: on any supported cluster the pod runs unconfined, so kwar warns where checkov passes";

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------

fn corpus_root() -> Option<PathBuf> {
    let dir = match std::env::var_os("KWAR_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/corpus"
        )),
    };
    dir.canonicalize().ok().filter(|d| d.is_dir())
}

/// One kwar finding, reduced to what judging needs.
struct Found {
    check: String,
    result: String,
    kind: String,
    namespace: String,
    name: String,
    file: Option<PathBuf>,
    line: Option<u64>,
}

fn normalize_ns(kind: &str, ns: &str) -> String {
    if CLUSTER_SCOPED.contains(&kind) {
        String::new()
    } else if ns.is_empty() {
        "default".to_string()
    } else {
        ns.to_string()
    }
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// Runs `kwar scan --format json --fail-on never` on `files` and returns its findings.
fn run_kwar(files: &[PathBuf]) -> Result<Vec<Found>, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_kwar"))
        .args(["scan", "--format", "json", "--fail-on", "never"])
        .args(files)
        .output()
        .map_err(|e| format!("cannot start kwar: {e}"))?;
    let what = || {
        let names: Vec<_> = files.iter().map(|f| f.display().to_string()).collect();
        names.join(" ")
    };
    // With --fail-on never kwar exits 0, or non-zero when an input could not be read or
    // parsed; it still prints the report, whose errors[] say which.
    let report: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "kwar ({}) printed no JSON report on {} ({e})\nstderr:\n{}",
            out.status,
            what(),
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    if let Some(errors) = report["errors"].as_array().filter(|e| !e.is_empty()) {
        for e in errors {
            println!(
                "NOTE: kwar input error (cases in this file may be judged wrongly): {} line {}: {}",
                e["file"].as_str().unwrap_or("?"),
                e["line"],
                e["message"].as_str().unwrap_or("")
            );
        }
    } else if !out.status.success() {
        return Err(format!(
            "kwar exited with {} on {}\nstderr:\n{}",
            out.status,
            what(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let findings = report["findings"]
        .as_array()
        .ok_or_else(|| format!("report without findings[] on {}", what()))?;
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    Ok(findings
        .iter()
        .map(|f| {
            let kind = s(&f["object"]["kind"]);
            let namespace = normalize_ns(&kind, f["object"]["namespace"].as_str().unwrap_or(""));
            let file = match f["location"]["file"].as_str() {
                Some(p) => Some(canonical(Path::new(p))),
                // One file per run: a finding without location belongs to it.
                None if files.len() == 1 => Some(canonical(&files[0])),
                None => None,
            };
            Found {
                check: s(&f["check"]),
                result: s(&f["result"]),
                name: s(&f["object"]["name"]),
                namespace,
                kind,
                file,
                line: f["location"]["line"].as_u64(),
            }
        })
        .collect())
}

type RunResult = Result<Vec<Found>, String>;

/// Runs the jobs on a few threads; returns the findings of each job in job order.
fn run_all(jobs: &[Vec<PathBuf>]) -> Vec<Vec<Found>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<RunResult>>> =
        Mutex::new((0..jobs.len()).map(|_| None).collect());
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(2, 8);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= jobs.len() {
                    break;
                }
                let r = run_kwar(&jobs[i]);
                results.lock().unwrap()[i] = Some(r);
            });
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| match r.expect("every job ran") {
            Ok(found) => found,
            Err(e) => panic!("{e}"),
        })
        .collect()
}

fn mapping_of(c: &Case) -> &'static Mapping {
    MAPPING
        .iter()
        .find(|m| m.peer == c.peer && m.check == c.check)
        .unwrap_or_else(|| {
            panic!(
                "case {} uses unmapped peer check {}/{}",
                c.id, c.peer, c.check
            )
        })
}

fn base_id(id: &str) -> &str {
    id.split(':').next().unwrap_or(id)
}

/// Checks the hand-written tables against the corpus' expectations.json files, so that a
/// corpus update or a typo in CASES cannot silently change what is compared.
fn validate_tables(corpus: &Path) {
    for m in MAPPING {
        assert!(
            !m.note.is_empty() && !m.kwar.is_empty(),
            "mapping {}/{} needs kwar checks and a note",
            m.peer,
            m.check
        );
    }
    let mut seen = HashSet::new();
    for c in CASES {
        assert!(seen.insert(c.id), "duplicate case id {}", c.id);
        assert!(
            PEERS.contains(&c.peer),
            "case {}: unknown peer {}",
            c.id,
            c.peer
        );
        mapping_of(c);
        assert!(
            corpus.join(c.file).is_file(),
            "case {}: missing fixture {}",
            c.id,
            c.file
        );
    }
    for (id, _) in DISAGREEMENTS {
        assert!(seen.contains(id), "DISAGREEMENTS lists unknown case {id}");
    }
    let mut listed = HashSet::new();
    for (peer, checks, _) in NOT_MAPPED {
        for check in *checks {
            assert!(
                !MAPPING.iter().any(|m| m.peer == *peer && m.check == *check),
                "{peer}/{check} is both mapped and in NOT_MAPPED"
            );
            listed.insert((*peer, *check));
        }
    }

    let load = |peer: &str| -> Value {
        let path = corpus.join(peer).join("expectations.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let mut peer_checks: BTreeSet<(&str, String)> = BTreeSet::new();
    for peer in PEERS {
        let exp = load(peer);
        let empty = Vec::new();
        let cases = exp["cases"].as_array().unwrap_or(&empty);
        let graph = exp["graph_cases"].as_array().unwrap_or(&empty);
        let by_id: HashMap<&str, &Value> = cases
            .iter()
            .filter_map(|c| Some((c["id"].as_str()?, c)))
            .collect();
        for c in cases {
            let ids: Vec<String> = match *peer {
                "kube-score" => vec![c["check_id"].as_str().unwrap_or("").to_string()],
                "polaris" => vec![c["check"].as_str().unwrap_or("").to_string()],
                "kube-linter" => c["include_checks"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
                _ => vec![c["check_id"].as_str().unwrap_or("").to_string()],
            };
            for id in ids.into_iter().filter(|i| !i.is_empty()) {
                peer_checks.insert((peer, id));
            }
        }
        for g in graph {
            if let Some(id) = g["check_id"].as_str() {
                peer_checks.insert((peer, id.to_string()));
            }
        }
        for c in CASES.iter().filter(|c| c.peer == *peer) {
            let base = base_id(c.id);
            if let Some(check_id) = base.strip_prefix("checkov-graph-") {
                let g = graph
                    .iter()
                    .find(|g| g["check_id"] == check_id)
                    .unwrap_or_else(|| panic!("case {}: no graph case {check_id}", c.id));
                let key = if c.flagged {
                    "expected_fail"
                } else {
                    "expected_pass"
                };
                let prefix = format!("Pod.{}.{}.", normalize_ns(c.kind, c.namespace), c.name);
                assert!(
                    g[key].as_array().is_some_and(|a| a
                        .iter()
                        .any(|r| r.as_str().is_some_and(|r| r.starts_with(&prefix)))),
                    "case {}: {prefix}* not in {key}",
                    c.id
                );
                continue;
            }
            let e = by_id
                .get(base)
                .unwrap_or_else(|| panic!("case {}: no peer case {base}", c.id));
            match *peer {
                "kube-score" => {
                    assert_eq!(e["check_id"], c.check, "case {}", c.id);
                    let grade = e["expected_grade"].as_str().unwrap_or("");
                    assert_eq!(
                        matches!(grade, "CRITICAL" | "WARNING"),
                        c.flagged,
                        "case {}: peer grade {grade}",
                        c.id
                    );
                }
                "polaris" => {
                    assert_eq!(e["check"], c.check, "case {}", c.id);
                    assert_eq!(e["expected"] == "fail", c.flagged, "case {}", c.id);
                    assert_eq!(
                        Path::new("polaris").join(e["file"].as_str().unwrap_or("")),
                        Path::new(c.file),
                        "case {}",
                        c.id
                    );
                }
                "kube-linter" => {
                    assert!(
                        e["include_checks"]
                            .as_array()
                            .is_some_and(|a| a.iter().any(|x| x == c.check)),
                        "case {}: kube-linter case does not run {}",
                        c.id,
                        c.check
                    );
                    let flagged = CASES
                        .iter()
                        .filter(|o| base_id(o.id) == base && o.flagged)
                        .count() as u64;
                    let reports = e["expected_report_count"]["value"].as_u64().unwrap_or(0);
                    assert!(
                        flagged <= reports,
                        "case {base}: more flagged objects than reports"
                    );
                }
                _ => {
                    assert_eq!(e["check_id"], c.check, "case {}", c.id);
                    // Where checkov's test asserts resource ids, the table must agree with them.
                    let key = if c.flagged { "failed" } else { "passed" };
                    if let Some(list) = e["expected_resources"][key]["resources"].as_array() {
                        let rid = format!(
                            "{}.{}.{}",
                            c.kind,
                            if c.namespace.is_empty() {
                                "default"
                            } else {
                                c.namespace
                            },
                            c.name
                        );
                        assert!(
                            list.iter().any(|r| *r == *rid),
                            "case {}: {rid} not in checkov's {key} list",
                            c.id
                        );
                    }
                }
            }
        }
    }
    let unreviewed: Vec<String> = peer_checks
        .iter()
        .filter(|(p, c)| {
            !MAPPING.iter().any(|m| m.peer == *p && m.check == c)
                && !listed.contains(&(*p, c.as_str()))
        })
        .map(|(p, c)| format!("{p}/{c}"))
        .collect();
    if !unreviewed.is_empty() {
        println!(
            "NOTE: peer checks neither mapped nor in NOT_MAPPED (review them): {}",
            unreviewed.join(", ")
        );
    }
}

#[derive(Default)]
struct Tally {
    compared: usize,
    agree: usize,
    deliberate: usize,
    unexpected: Vec<String>,
    now_agreeing: Vec<String>,
    unknown_only: usize,
}

fn pct(n: usize, d: usize) -> f64 {
    if d == 0 {
        100.0
    } else {
        n as f64 * 100.0 / d as f64
    }
}

#[test]
fn peer_agreement() {
    let Some(corpus) = corpus_root() else {
        println!(
            "SKIPPED peer_agreement: corpus not found (set KWAR_CORPUS or provide ../shared/corpus next to the workspace)"
        );
        return;
    };
    if !corpus.join("kube-score/expectations.json").is_file() {
        println!(
            "SKIPPED peer_agreement: {} has no peer expectations",
            corpus.display()
        );
        return;
    }
    validate_tables(&corpus);
    let started = Instant::now();

    // One shared kwar run for single-object checks; one run per file for cross-object ones.
    let isolated = |c: &Case| {
        mapping_of(c)
            .kwar
            .iter()
            .any(|k| CROSS_OBJECT_CHECKS.contains(k))
    };
    let mut shared: BTreeSet<&str> = BTreeSet::new();
    let mut alone: BTreeSet<&str> = BTreeSet::new();
    for c in CASES {
        if isolated(c) {
            alone.insert(c.file);
        } else {
            shared.insert(c.file);
        }
    }
    let mut jobs: Vec<Vec<PathBuf>> = vec![shared.iter().map(|f| corpus.join(f)).collect()];
    let alone: Vec<&str> = alone.into_iter().collect();
    jobs.extend(alone.iter().map(|f| vec![corpus.join(f)]));
    let results = run_all(&jobs);
    let mut shared_found: Vec<Found> = Vec::new();
    let mut alone_found: HashMap<&str, Vec<Found>> = HashMap::new();
    for (i, found) in results.into_iter().enumerate() {
        if i == 0 {
            shared_found = found;
        } else {
            alone_found.insert(alone[i - 1], found);
        }
    }
    if shared_found.iter().any(|f| f.file.is_none()) {
        panic!("kwar reported findings without location.file in a multi-file run; cannot attribute them");
    }

    let disagreements: HashMap<&str, &str> = DISAGREEMENTS.iter().copied().collect();
    // PEER_AGREEMENT_VERBOSE=1 prints every compared case with kwar's results.
    let verbose = std::env::var_os("PEER_AGREEMENT_VERBOSE").is_some();
    let mut tallies: BTreeMap<&str, Tally> = PEERS.iter().map(|p| (*p, Tally::default())).collect();
    for c in CASES {
        let m = mapping_of(c);
        let path = canonical(&corpus.join(c.file));
        let pool: &[Found] = if isolated(c) {
            &alone_found[c.file]
        } else {
            &shared_found
        };
        let ns = normalize_ns(c.kind, c.namespace);
        let mine: Vec<&Found> = pool
            .iter()
            .filter(|f| {
                m.kwar.contains(&f.check.as_str())
                    && f.kind == c.kind
                    && f.name == c.name
                    && f.namespace == ns
                    && f.file.as_deref() == Some(path.as_path())
                    && c.lines
                        .is_none_or(|(a, b)| f.line.is_some_and(|l| (a..=b).contains(&l)))
            })
            .collect();
        let kwar_flags = mine
            .iter()
            .any(|f| f.result == "fail" || f.result == "warn");
        let results: BTreeSet<String> = mine
            .iter()
            .map(|f| format!("{}={}", f.check, f.result))
            .collect();
        if verbose {
            println!(
                "{:<70} peer {:<11} kwar {:<11} {}{}",
                c.id,
                if c.flagged { "flagged" } else { "not flagged" },
                if kwar_flags { "flagged" } else { "not flagged" },
                if results.is_empty() {
                    "-".to_string()
                } else {
                    results.iter().cloned().collect::<Vec<_>>().join(", ")
                },
                if disagreements.contains_key(c.id) {
                    "  [listed]"
                } else {
                    ""
                },
            );
        }
        let t = tallies.get_mut(c.peer).unwrap();
        t.compared += 1;
        if !kwar_flags && !mine.is_empty() {
            t.unknown_only += 1;
        }
        let verdict = |b: bool| if b { "flagged" } else { "not flagged" };
        match (kwar_flags == c.flagged, disagreements.get(c.id)) {
            (true, None) => t.agree += 1,
            (true, Some(_)) => {
                t.agree += 1;
                t.now_agreeing.push(c.id.to_string());
            }
            (false, Some(_)) => t.deliberate += 1,
            (false, None) => t.unexpected.push(format!(
                "{} [{} {} -> kwar {}] {} {}/{}{} in {}: peer {}, kwar {} ({})",
                c.id,
                c.peer,
                c.check,
                m.kwar.join("+"),
                c.kind,
                ns,
                c.name,
                c.lines
                    .map(|(a, b)| format!("@{a}-{b}"))
                    .unwrap_or_default(),
                c.file,
                verdict(c.flagged),
                verdict(kwar_flags),
                if results.is_empty() {
                    "no finding".to_string()
                } else {
                    results.into_iter().collect::<Vec<_>>().join(", ")
                },
            )),
        }
    }

    println!();
    println!(
        "Peer agreement ({} kwar runs, {:.1} s)",
        jobs.len(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "{:<12} {:>9} {:>9} {:>8} {:>11} {:>11} {:>13}",
        "peer", "compared", "agree", "agree%", "deliberate", "unexpected", "agree%-intent"
    );
    let (mut tc, mut ta, mut td) = (0, 0, 0);
    for (peer, t) in &tallies {
        println!(
            "{:<12} {:>9} {:>9} {:>7.1}% {:>11} {:>11} {:>12.1}%",
            peer,
            t.compared,
            t.agree,
            pct(t.agree, t.compared),
            t.deliberate,
            t.unexpected.len(),
            pct(t.agree, t.compared - t.deliberate),
        );
        tc += t.compared;
        ta += t.agree;
        td += t.deliberate;
    }
    let tu: usize = tallies.values().map(|t| t.unexpected.len()).sum();
    println!(
        "{:<12} {:>9} {:>9} {:>7.1}% {:>11} {:>11} {:>12.1}%",
        "overall",
        tc,
        ta,
        pct(ta, tc),
        td,
        tu,
        pct(ta, tc - td)
    );
    println!("(agree%-intent: agreement on cases where kwar means to agree, i.e. excluding DISAGREEMENTS)");
    let unknown: usize = tallies.values().map(|t| t.unknown_only).sum();
    if unknown > 0 {
        println!("{unknown} judged objects got only `unknown` results from the mapped kwar checks (counted as not flagged)");
    }
    for (peer, t) in &tallies {
        if !t.unexpected.is_empty() {
            println!(
                "\nUnexpected disagreements with {peer} ({}):",
                t.unexpected.len()
            );
            for u in &t.unexpected {
                println!("  {u}");
            }
        }
    }
    for (peer, t) in &tallies {
        if !t.now_agreeing.is_empty() {
            println!(
                "\nNOTE: listed in DISAGREEMENTS but kwar now agrees with {peer} (review and remove): {}",
                t.now_agreeing.join(", ")
            );
        }
    }

    let mut below = Vec::new();
    for (peer, floor) in FLOORS {
        let t = &tallies[peer];
        if t.agree * 100 < *floor as usize * t.compared {
            below.push(format!(
                "{peer}: {:.1}% < floor {floor}% ({}/{})",
                pct(t.agree, t.compared),
                t.agree,
                t.compared
            ));
        }
    }
    assert!(
        below.is_empty(),
        "peer agreement below floor: {}",
        below.join("; ")
    );
}
