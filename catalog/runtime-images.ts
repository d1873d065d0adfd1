/**
 * Images the platform's backend launches itself, at run time, that no manifest of ours names:
 * an air-gapped customer must mirror them too, or every workload that clones code, mounts a
 * dataset or starts from a built-in or hub image fails (platform contract §7 and §9).
 *
 * The backend adds `ASTRAGO_PRIVATE-REGISTRY-URL/` in front of an image's reference as written
 * below (`<offline.registry>/xiilab/git-sync:v3.6.0`), which is exactly where `mirrored` puts
 * it, but only once the network is marked closed (`PATCH /api/v1/core/network/network-status`,
 * `{"networkStatus": "Y"}`: `WorkloadFacadeService.java:205-224`). An image it never prefixes
 * (`prefixed: false`) is pulled by the node's containerd under its Docker Hub name, so the node
 * needs a registry mirror for docker.io (docs/air-gap.md).
 */
/** One image the backend launches. */
export interface RuntimeImage {
  /** Normalised reference, `docker.io/…:<tag>` (`:latest` where the backend names no tag). */
  readonly ref: string;
  /** What the backend starts it for. */
  readonly use: string;
  /** Whether the backend prefixes it with the private registry once the network is closed. */
  readonly prefixed: boolean;
  /** Where the backend names it. */
  readonly source: string;
}

/**
 * What astrago-backend v1.0.x launches; `B:` = xiilab/astrago-backend at e0192e41 (v1.0.49,
 * 2024-12-12). The newest readable commit (katech 1b81393c, 2024-12-13) names the same images
 * at the same lines.
 */
export const BACKEND_RUNTIME_IMAGES: readonly RuntimeImage[] = [
  { ref: 'docker.io/xiilab/git-sync:v3.6.0', use: 'init container cloning a workload\'s code from Git', prefixed: true, source: 'B:server-core/src/main/resources/data.sql:266 (TB_NETWORK.INIT_CONTAINER_IMAGE_URL)' },
  // No tag in the backend: the runtime pulls :latest, so the mirror needs that tag.
  { ref: 'docker.io/xiilab/astrago-dataset-nginx:latest', use: 'server of a dataset or model volume', prefixed: true, source: 'B:data.sql:266 (TB_NETWORK.LOCAL_VOLUME_IMAGE_URL)' },
  { ref: 'docker.io/xiilab/astrago:hub-yolov8-1.1', use: 'hub images 1 and 2 (YOLOv8, YOLOv5)', prefixed: true, source: 'B:data.sql:138-139 (TB_IMAGE, type HUB)' },
  { ref: 'docker.io/xiilab/astrago:pytorch-23.07-cuda12.1', use: 'built-in PyTorch image (interactive and batch)', prefixed: true, source: 'B:data.sql:140,147,168 (TB_IMAGE, type BUILT)' },
  { ref: 'docker.io/xiilab/astrago:tensorflow-23.07-cuda12.1', use: 'built-in TensorFlow image (interactive)', prefixed: true, source: 'B:data.sql:154,161 (TB_IMAGE, type BUILT)' },
  { ref: 'docker.io/xiilab/horovod:latest', use: 'built-in image of distributed (MPI) workloads', prefixed: true, source: 'B:data.sql:181 (TB_IMAGE 39, DISTRIBUTED, no tag)' },
  { ref: 'docker.io/xiilab/nerdctl:astrago', use: 'Job committing a running workload\'s container to Harbor', prefixed: false, source: 'B:module-k8s/src/main/java/com/xiilab/modulek8s/workload/vo/CommitImageJobVO.java:93' },
];
