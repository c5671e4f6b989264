//! The Cluster Autoscaler deployments the detectors found, each with the container that
//! runs the autoscaler (its image carries the version, its flags the configuration).

use kwar_detect::Signal;
use kwar_inventory::{Container, Object};

use crate::Context;

/// One Cluster Autoscaler controller.
pub(crate) struct ClusterAutoscaler<'a> {
    pub object: &'a Object,
    pub container: Container<'a>,
}

/// The controllers the `cluster-autoscaler` detector matched by name or image, once each.
pub(crate) fn found<'a>(cx: &Context<'a>) -> Vec<ClusterAutoscaler<'a>> {
    let Some(detection) = cx.detections.get("cluster-autoscaler") else {
        return Vec::new();
    };
    let mut out: Vec<ClusterAutoscaler<'a>> = Vec::new();
    for m in detection
        .matches
        .iter()
        .filter(|m| matches!(m.signal, Signal::Workload | Signal::Image))
    {
        if out.iter().any(|ca| ca.object.id == m.object) {
            continue;
        }
        let object = cx.inv.object(m.object);
        let Some(workload) = cx.inv.workload_of(m.object) else {
            continue;
        };
        let containers = workload.app_containers(object);
        let chosen = containers
            .iter()
            .position(is_autoscaler)
            .or((!containers.is_empty()).then_some(0));
        if let Some(i) = chosen {
            out.push(ClusterAutoscaler {
                object,
                container: containers[i].clone(),
            });
        }
    }
    out
}

fn is_autoscaler(container: &Container<'_>) -> bool {
    container.name == "cluster-autoscaler"
        || container
            .image()
            .is_some_and(|i| i.contains("cluster-autoscaler"))
}
