use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Karpenter `EC2NodeClass` (`karpenter.k8s.aws`), its `spec.amiSelectorTerms`:
    /// - a term that floats fails to pin the AMI and warns: an `alias` at `@latest`
    ///   (`al2023@latest`, `bottlerocket@latest`), a `name` with a `*` wildcard (Karpenter
    ///   picks the newest match), an `ssmParameter` under AWS's public `/aws/service/` tree
    ///   (it follows the latest release), or — with the pre-v1 API — an `amiFamily` without
    ///   any selector term (the latest EKS-optimized AMI);
    /// - terms that all pin: pass — a versioned alias (`al2023@v20241121`), an `id`, an exact
    ///   `name`, `tags` (an AMI promoted by tagging it), or an SSM parameter of your own
    ///   (promoted by updating it).
    ///
    /// The catalog scopes the check to node classes used for production, which the cluster
    /// cannot tell: classes whose name, or `env`/`environment`/`stage` label, marks them as
    /// non-production (a `dev`, `test`, `qa`, `staging`, `sandbox`, `canary`, `preprod` or
    /// `nonprod` word) are not evaluated — floating AMIs there are how new AMIs get tested.
    ///
    /// ## Why it matters
    /// With a floating selector, every new AMI release changes the node class's resolved
    /// AMI, Karpenter marks all its nodes as drifted and replaces them — in production, with
    /// an AMI nobody has tested, on AWS's release schedule rather than yours. A regression in
    /// the kernel, containerd or the kubelet then reaches every node within hours.
    ///
    /// ## How to fix
    /// Pin the version in production and promote it after it ran in a test cluster:
    /// ```yaml
    /// apiVersion: karpenter.k8s.aws/v1
    /// kind: EC2NodeClass
    /// metadata:
    ///   name: default
    /// spec:
    ///   amiSelectorTerms:
    ///     - alias: al2023@v20241121   # bumped by a pull request once tested
    /// ```
    ///
    /// ## References
    /// - <https://karpenter.sh/docs/concepts/nodeclasses/#specamiselectorterms>
    /// - <https://karpenter.sh/docs/tasks/managing-amis/>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/eks-optimized-amis.html>
    "prod-ami-pinned",
    run,
    needs = ["karpenter.k8s.aws/ec2nodeclasses"]
}

/// Words that mark a node class as not production.
const NON_PROD_WORDS: [&str; 10] = [
    "dev", "test", "testing", "qa", "staging", "stage", "sandbox", "canary", "preprod", "nonprod",
];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for class in cx
        .inv
        .of_kind("EC2NodeClass")
        .filter(|c| c.api_group() == "karpenter.k8s.aws")
    {
        if is_non_production(class) {
            continue;
        }
        let terms_node = class.root().at(&["spec", "amiSelectorTerms"]);
        let terms = terms_node.map(Node::items).unwrap_or_default();
        if terms.is_empty() {
            let family = class.root().at(&["spec", "amiFamily"]);
            match family.and_then(Node::as_str) {
                Some(family) if family != "Custom" => out.warn(
                    Subject::object(class).at("spec.amiFamily", family_node(class)),
                    format!(
                        "EC2NodeClass `{}` selects no AMI, so Karpenter follows the latest \
                         {family} EKS-optimized AMI: expected a pinned AMI (versioned alias or \
                         ids) promoted after testing",
                        class.name()
                    ),
                ),
                _ => {}
            }
            continue;
        }
        let mut floating = false;
        for (i, term) in terms.iter().enumerate() {
            if let Some((field, why)) = floats(term) {
                floating = true;
                out.warn(
                    Subject::object(class).at(
                        format!("spec.amiSelectorTerms[{i}].{field}"),
                        term.get(field),
                    ),
                    format!(
                        "EC2NodeClass `{}` {why}: every new AMI release drifts and replaces its \
                         nodes untested; expected a pinned AMI (versioned alias or ids) promoted \
                         after testing",
                        class.name()
                    ),
                );
            }
        }
        if !floating {
            out.pass(class);
        }
    }
}

fn family_node(class: &Object) -> Option<&Node> {
    class.root().at(&["spec", "amiFamily"])
}

/// The field of a selector term that makes it follow new releases, and why.
fn floats(term: &Node) -> Option<(&'static str, String)> {
    let text = |key: &str| term.get(key).and_then(Node::as_str).map(str::trim);
    if let Some(alias) = text("alias") {
        let version = alias.split_once('@').map_or("latest", |(_, v)| v);
        return (version == "latest")
            .then(|| ("alias", format!("selects its AMI by alias `{alias}`")));
    }
    if let Some(name) = text("name") {
        return name.contains('*').then(|| {
            (
                "name",
                format!("selects the newest AMI named like `{name}`"),
            )
        });
    }
    if let Some(parameter) = text("ssmParameter") {
        return parameter.starts_with("/aws/service/").then(|| {
            (
                "ssmParameter",
                format!("follows AWS's public SSM parameter `{parameter}`"),
            )
        });
    }
    None
}

fn is_non_production(class: &Object) -> bool {
    let marked = |text: &str| {
        text.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| NON_PROD_WORDS.contains(&word))
    };
    marked(class.name())
        || ["env", "environment", "stage"]
            .iter()
            .filter_map(|k| class.label(k))
            .any(marked)
}
