//! kube-rs — what kwar's live collector is built on — reaches the stand-in through a plain
//! kubeconfig and understands every answer: version, both discovery shapes, typed and
//! dynamic lists with paging, and refusals as `kube::Error::Api`.

use k8s_openapi::api::core::v1::Pod;
use kube::api::{ApiResource, DynamicObject, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::discovery::Discovery;
use kube::{Api, Client, Config};
use kwar_apiserver::{StandIn, StandInConfig};
use serde_json::json;

fn objects() -> Vec<serde_json::Value> {
    let mut objects = vec![
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
               "metadata": {"name": "nodepools.karpenter.sh"},
               "spec": {"group": "karpenter.sh", "scope": "Cluster",
                        "names": {"plural": "nodepools", "singular": "nodepool", "kind": "NodePool",
                                  "listKind": "NodePoolList"},
                        "versions": [{"name": "v1", "served": true, "storage": true}]}}),
        json!({"apiVersion": "karpenter.sh/v1", "kind": "NodePool",
               "metadata": {"name": "default"}, "spec": {"limits": {"cpu": "1000"}}}),
    ];
    for i in 0..5 {
        objects.push(json!({"apiVersion": "v1", "kind": "Pod",
                            "metadata": {"name": format!("web-{i}"), "namespace": "shop"},
                            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
                            "status": {"phase": "Running"}}));
    }
    objects
}

async fn client(server: &StandIn) -> Client {
    let dir = std::env::temp_dir().join(format!(
        "kwar-apiserver-kube-{}-{}",
        std::process::id(),
        server.url.rsplit(':').next().unwrap()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kubeconfig");
    server.write_kubeconfig(&path, "stand-in").unwrap();
    let kubeconfig = Kubeconfig::read_from(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let config = Config::from_custom_kubeconfig(
        kubeconfig,
        &KubeConfigOptions {
            context: Some("stand-in".into()),
            ..KubeConfigOptions::default()
        },
    )
    .await
    .unwrap();
    Client::try_from(config).unwrap()
}

fn run<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn kube_rs_reads_the_stand_in() {
    let server = StandIn::start(StandInConfig {
        objects: objects(),
        forbidden: vec![("".into(), "secrets".into())],
        page_size_cap: Some(2),
        ..StandInConfig::default()
    })
    .unwrap();
    run(async {
        let client = client(&server).await;
        let version = client.apiserver_version().await.unwrap();
        assert_eq!(version.git_version, "v1.31.4-eks-2d5f260");

        let aggregated = Discovery::new(client.clone())
            .run_aggregated()
            .await
            .unwrap();
        let legacy = Discovery::new(client.clone()).run().await.unwrap();
        for discovery in [&aggregated, &legacy] {
            assert!(discovery.has_group("apps"));
            let karpenter = discovery.get("karpenter.sh").unwrap();
            let (resource, caps) = karpenter.recommended_kind("NodePool").unwrap();
            assert_eq!(resource.plural, "nodepools");
            assert_eq!(caps.scope, kube::discovery::Scope::Cluster);
            let core = discovery.get("").unwrap();
            let (pods, caps) = core.recommended_kind("Pod").unwrap();
            assert_eq!(pods.plural, "pods");
            assert!(caps.subresources.iter().any(|(s, _)| s.plural == "log"));
        }

        // Typed list, paged by the server's cap: every pod once.
        let pods: Api<Pod> = Api::all(client.clone());
        let mut names = Vec::new();
        let mut params = ListParams::default().limit(500);
        loop {
            let page = pods.list(&params).await.unwrap();
            names.extend(page.items.iter().map(|p| p.metadata.name.clone().unwrap()));
            match page.metadata.continue_ {
                Some(token) if !token.is_empty() => params = params.continue_token(&token),
                _ => break,
            }
        }
        assert_eq!(names, ["web-0", "web-1", "web-2", "web-3", "web-4"]);

        let nodepools: Api<DynamicObject> = Api::all_with(
            client.clone(),
            &ApiResource::from_gvk(&kube::api::GroupVersionKind::gvk(
                "karpenter.sh",
                "v1",
                "NodePool",
            )),
        );
        let list = nodepools.list(&ListParams::default()).await.unwrap();
        assert_eq!(list.items.len(), 1);

        let secrets: Api<k8s_openapi::api::core::v1::Secret> = Api::all(client.clone());
        match secrets.list(&ListParams::default()).await {
            Err(kube::Error::Api(status)) => {
                assert_eq!(status.code, 403);
                assert_eq!(status.reason, "Forbidden");
            }
            other => panic!("expected a 403, got {other:?}"),
        }
    });
    assert!(server.requests().iter().all(|r| r.method == "GET"));
}
