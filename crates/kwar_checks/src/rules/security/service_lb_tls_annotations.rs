use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Service of `type: LoadBalancer` (any namespace) offers TLS to its clients.
    ///
    /// - **pass** when the load balancer terminates TLS: the
    ///   `service.beta.kubernetes.io/aws-load-balancer-ssl-cert` annotation names a
    ///   certificate and `service.beta.kubernetes.io/aws-load-balancer-ssl-ports` is absent
    ///   (every port then gets TLS), `*`, or names at least one port of the Service by number
    ///   or name. This holds for the in-tree cloud provider and the AWS Load Balancer
    ///   Controller alike.
    /// - **pass** when TLS is terminated in the pods: every TCP port is TLS by convention
    ///   (port or target port 443, 8443, 9443, 6443; port name or target port name `https`,
    ///   `tls`, `grpcs`, or prefixed `https-`, `tls-`, `grpcs-`; `appProtocol` https, tls or
    ///   wss). A plain port 80 next to such a port is accepted as the usual HTTP-to-HTTPS
    ///   redirect listener of an ingress controller. UDP and SCTP ports are not judged.
    /// - **fail** otherwise: the load balancer forwards clear text.
    ///
    /// ## Why it matters
    /// A load balancer is reachable from outside the cluster, often from the internet.
    /// Without TLS, credentials, session cookies and personal data cross networks in clear
    /// text and can be read or altered on the way.
    ///
    /// ## How to fix
    /// Terminate TLS at the load balancer with an ACM certificate (or terminate it in the pod
    /// and expose only the TLS port):
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     service.beta.kubernetes.io/aws-load-balancer-type: external
    ///     service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip
    ///     service.beta.kubernetes.io/aws-load-balancer-ssl-cert: arn:aws:acm:eu-west-1:111122223333:certificate/abcd
    ///     service.beta.kubernetes.io/aws-load-balancer-ssl-ports: "443"
    ///     service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy: ELBSecurityPolicy-TLS13-1-2-2021-06
    /// spec:
    ///   type: LoadBalancer
    ///   ports: [{name: https, port: 443, targetPort: 8080}]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/network-security.html#_encryption_in_transit>
    /// - <https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/#tls>
    /// - <https://docs.aws.amazon.com/wellarchitected/latest/framework/sec_protect_data_transit_encrypt.html>
    "service-lb-tls-annotations",
    run
}

const SSL_CERT: &str = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert";
const SSL_PORTS: &str = "service.beta.kubernetes.io/aws-load-balancer-ssl-ports";

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for svc in cx
        .inv
        .of_kind("Service")
        .filter(|o| o.api_group().is_empty())
    {
        let Some(spec) = svc.root().get("spec") else {
            continue;
        };
        if spec.get("type").and_then(Node::as_str) != Some("LoadBalancer") {
            continue;
        }
        let ports: Vec<&Node> = spec
            .get("ports")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .filter(|p| {
                p.get("protocol")
                    .and_then(Node::as_str)
                    .is_none_or(|proto| proto.eq_ignore_ascii_case("TCP"))
            })
            .collect();
        if ports.is_empty() {
            // Only UDP/SCTP listeners: TLS does not apply.
            out.pass(svc);
            continue;
        }
        let cert = svc.annotation(SSL_CERT).filter(|c| !c.trim().is_empty());
        if cert.is_some() {
            match svc.annotation(SSL_PORTS) {
                None => {
                    out.pass(svc);
                    continue;
                }
                Some(list) if ssl_ports_match(list, &ports) => {
                    out.pass(svc);
                    continue;
                }
                Some(list) => {
                    out.fail(
                        Subject::object(svc).at(
                            format!("metadata.annotations.{SSL_PORTS}"),
                            svc.root().at(&["metadata", "annotations", SSL_PORTS]),
                        ),
                        format!(
                            "LoadBalancer Service `{}` has a TLS certificate but its ssl-ports annotation (\"{list}\") names none of its ports, so every listener is clear text",
                            svc.name()
                        ),
                    );
                    continue;
                }
            }
        }
        let tls: Vec<bool> = ports.iter().map(|p| is_tls_port(p)).collect();
        let any_tls = tls.iter().any(|&t| t);
        let clear: Vec<&Node> = ports
            .iter()
            .zip(&tls)
            .filter(|(p, &t)| !(t || any_tls && is_redirect_port(p)))
            .map(|(p, _)| *p)
            .collect();
        match clear.first() {
            None => out.pass(svc),
            Some(port) => {
                let text = port
                    .get("port")
                    .and_then(Node::scalar_text)
                    .unwrap_or_default();
                out.fail(
                    Subject::object(svc).at("spec.ports", Some(*port)),
                    format!(
                        "LoadBalancer Service `{}` exposes port {text} without TLS: no {SSL_CERT} annotation and the port is not a TLS port",
                        svc.name()
                    ),
                );
            }
        }
    }
}

/// Whether the ssl-ports annotation covers at least one of the ports.
fn ssl_ports_match(list: &str, ports: &[&Node]) -> bool {
    list.split(',').map(str::trim).any(|entry| {
        entry == "*"
            || ports.iter().any(|p| {
                ["port", "name"]
                    .iter()
                    .any(|k| p.get(k).and_then(Node::scalar_text).as_deref() == Some(entry))
            })
    })
}

fn is_tls_port(port: &Node) -> bool {
    const TLS_NUMBERS: [i64; 4] = [443, 8443, 9443, 6443];
    let tls_name = |name: &str| {
        let name = name.to_ascii_lowercase();
        ["https", "tls", "grpcs"]
            .iter()
            .any(|t| name == *t || name.starts_with(&format!("{t}-")))
    };
    let number = |k: &str| port.get(k).and_then(Node::as_i64);
    let text = |k: &str| port.get(k).and_then(Node::as_str);
    number("port").is_some_and(|n| TLS_NUMBERS.contains(&n))
        || number("targetPort").is_some_and(|n| TLS_NUMBERS.contains(&n))
        || text("name").is_some_and(tls_name)
        || text("targetPort").is_some_and(tls_name)
        || text("appProtocol").is_some_and(|a| {
            matches!(
                a.to_ascii_lowercase().as_str(),
                "https" | "tls" | "wss" | "kubernetes.io/wss"
            )
        })
}

/// Port 80 next to a TLS port: the conventional HTTP-to-HTTPS redirect listener.
fn is_redirect_port(port: &Node) -> bool {
    port.get("port").and_then(Node::as_i64) == Some(80)
}
