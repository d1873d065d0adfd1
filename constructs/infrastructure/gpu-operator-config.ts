/**
 * Data of the GPU operator's ConfigMaps: the DCGM metrics the exporter collects, the MIG
 * partitioning profiles of mig-manager and the MPS sharing configs of the device plugin.
 * Generated from tables so that adding a GPU model or an MPS size is one line; each is the
 * same for every customer, so it is computed once (`memo`).
 */
import { stringify } from 'yaml';

/** Computes a value on first use and returns that same value afterwards. */
function memo<T>(compute: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}

/**
 * DCGM fields exported to Prometheus, in the CSV dcgm-exporter reads (`field, type, help`; the
 * type is gauge, counter or label), so the reviewer reads what the exporter gets. Every field
 * of the old system's `dcgm-metrics.csv` (contract §4, which covers the nine the backend
 * queries: GPU_TEMP, MEMORY_TEMP, FAN_SPEED, COUNT, GPU_UTIL, FB_USED, FB_FREE, POWER_USAGE,
 * MEM_CLOCK), plus ECC and profiling fields for the GPU alerts and dashboards.
 */
const DCGM_FIELDS = `
DCGM_FI_DEV_SM_CLOCK, gauge, SM clock frequency (in MHz).
DCGM_FI_DEV_MEM_CLOCK, gauge, Memory clock frequency (in MHz).
DCGM_FI_DEV_MEMORY_TEMP, gauge, Memory temperature (in C).
DCGM_FI_DEV_GPU_TEMP, gauge, GPU temperature (in C).
DCGM_FI_DEV_POWER_USAGE, gauge, Power draw (in W).
DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION, counter, Total energy consumption since boot (in mJ).
DCGM_FI_DEV_FAN_SPEED, gauge, Fan speed (in 0-100%).
DCGM_FI_DEV_COUNT, gauge, Number of devices on the node.
DCGM_FI_DEV_PCIE_REPLAY_COUNTER, counter, Total number of PCIe retries.
DCGM_FI_DEV_GPU_UTIL, gauge, GPU utilization (in %).
DCGM_FI_DEV_MEM_COPY_UTIL, gauge, Memory utilization (in %).
DCGM_FI_DEV_ENC_UTIL, gauge, Encoder utilization (in %).
DCGM_FI_DEV_DEC_UTIL, gauge, Decoder utilization (in %).
DCGM_FI_DEV_XID_ERRORS, gauge, Value of the last XID error encountered.
DCGM_FI_DEV_FB_FREE, gauge, Framebuffer memory free (in MiB).
DCGM_FI_DEV_FB_USED, gauge, Framebuffer memory used (in MiB).
DCGM_FI_DEV_FB_TOTAL, gauge, Total framebuffer memory (in MiB).
DCGM_FI_DEV_FB_RESERVED, gauge, Framebuffer memory reserved (in MiB).
DCGM_FI_DEV_FB_USED_PERCENT, gauge, Percentage of framebuffer memory used (in %).
DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL, counter, Total number of NVLink bandwidth counters for all lanes.
DCGM_FI_DEV_VGPU_LICENSE_STATUS, gauge, vGPU License status.
DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS, counter, Number of remapped rows for uncorrectable errors.
DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS, counter, Number of remapped rows for correctable errors.
DCGM_FI_DEV_ROW_REMAP_FAILURE, gauge, Whether remapping of rows has failed.
DCGM_FI_DEV_ECC_SBE_VOL_TOTAL, counter, Total number of single-bit volatile ECC errors.
DCGM_FI_DEV_ECC_DBE_VOL_TOTAL, counter, Total number of double-bit volatile ECC errors.
DCGM_FI_PROF_GR_ENGINE_ACTIVE, gauge, Ratio of time the graphics engine is active.
DCGM_FI_PROF_SM_ACTIVE, gauge, The ratio of cycles an SM has at least 1 warp assigned.
DCGM_FI_PROF_SM_OCCUPANCY, gauge, The ratio of number of warps resident on an SM.
DCGM_FI_PROF_PIPE_TENSOR_ACTIVE, gauge, Ratio of cycles the tensor (HMMA) pipe is active.
DCGM_FI_PROF_PIPE_FP64_ACTIVE, gauge, Ratio of cycles the fp64 pipes are active.
DCGM_FI_PROF_PIPE_FP32_ACTIVE, gauge, Ratio of cycles the fp32 pipes are active.
DCGM_FI_PROF_PIPE_FP16_ACTIVE, gauge, Ratio of cycles the fp16 pipes are active.
DCGM_FI_PROF_DRAM_ACTIVE, gauge, Ratio of cycles the device memory interface is active sending or receiving data.
DCGM_FI_PROF_PCIE_TX_BYTES, counter, The number of bytes of active PCIe tx (transmit) data including both header and payload.
DCGM_FI_PROF_PCIE_RX_BYTES, counter, The number of bytes of active PCIe rx (read) data including both header and payload.
DCGM_FI_PROF_NVLINK_TX_BYTES, counter, The number of bytes of active NvLink tx (transmit) data including both header and payload.
DCGM_FI_PROF_NVLINK_RX_BYTES, counter, The number of bytes of active NvLink rx (read) data including both header and payload.
DCGM_FI_DEV_PSTATE, gauge, Performance state (P-State) 0-15. 0=highest.
DCGM_FI_DEV_CLOCK_THROTTLE_REASONS, gauge, Current clock throttle reasons (bitmask).
DCGM_FI_DEV_POWER_MGMT_LIMIT, gauge, Current power limit (in W).
DCGM_FI_DEV_SLOWDOWN_TEMP, gauge, Slowdown temperature (in C).
DCGM_FI_DEV_SHUTDOWN_TEMP, gauge, Shutdown temperature (in C).
DCGM_FI_DRIVER_VERSION, label, Driver version.
DCGM_FI_CUDA_DRIVER_VERSION, label, CUDA driver version.
DCGM_FI_PROCESS_NAME, label, The process name.
DCGM_FI_DEV_NAME, label, Device name.
DCGM_FI_DEV_MINOR_NUMBER, label, Device node minor number (/dev/nvidia#).
DCGM_FI_DEV_BRAND, label, Device brand.
DCGM_FI_DEV_SERIAL, label, Device serial number.
`;

/** Key under which dcgm-exporter expects its metrics list. */
export const DCGM_METRICS_KEY = 'dcgm-metrics.csv';

export const dcgmMetricsCsv = memo((): string => `# Format: DCGM field, Prometheus metric type, help message\n${DCGM_FIELDS.trim()}\n`);

/** MIG-capable GPU models: PCI device ids and the MIG profiles each can be split into. */
interface MigGpu {
  readonly model: string;
  readonly deviceIds: readonly string[];
  /** Profile name → how many fit on one GPU. */
  readonly profiles: Readonly<Record<string, number>>;
  /** A mixed split that fills one GPU. */
  readonly balanced: Readonly<Record<string, number>>;
  /** The profile that also exists with the media extensions (`<profile>+me`, one per GPU). */
  readonly mediaExtension: string;
}

const MIG_GPUS: readonly MigGpu[] = [
  {
    model: 'A100 40GB',
    deviceIds: ['0x20B010DE', '0x20B110DE', '0x20F110DE', '0x20F610DE'],
    profiles: { '1g.5gb': 7, '2g.10gb': 3, '3g.20gb': 2, '4g.20gb': 1, '7g.40gb': 1 },
    balanced: { '1g.5gb': 2, '2g.10gb': 1, '3g.20gb': 1 },
    mediaExtension: '1g.5gb',
  },
  {
    model: 'A100 / A800 80GB',
    deviceIds: ['0x20B210DE', '0x20B510DE', '0x20F310DE', '0x20F510DE'],
    profiles: { '1g.10gb': 7, '2g.20gb': 3, '3g.40gb': 2, '4g.40gb': 1, '7g.80gb': 1 },
    balanced: { '1g.10gb': 2, '2g.20gb': 1, '3g.40gb': 1 },
    mediaExtension: '1g.10gb',
  },
  {
    model: 'H100 / H800 80GB',
    deviceIds: ['0x233010DE', '0x233110DE', '0x232210DE', '0x233210DE'],
    profiles: { '1g.10gb': 7, '1g.20gb': 4, '2g.20gb': 3, '3g.40gb': 2, '4g.40gb': 1, '7g.80gb': 1 },
    balanced: { '1g.10gb': 2, '2g.20gb': 1, '3g.40gb': 1 },
    mediaExtension: '1g.10gb',
  },
  {
    model: 'H100 NVL 94GB',
    deviceIds: ['0x232110DE'],
    profiles: { '1g.12gb': 7, '1g.24gb': 4, '2g.24gb': 3, '3g.47gb': 2, '4g.47gb': 1, '7g.94gb': 1 },
    balanced: { '1g.12gb': 2, '2g.24gb': 1, '3g.47gb': 1 },
    mediaExtension: '1g.12gb',
  },
  {
    model: 'H100 96GB',
    deviceIds: ['0x233D10DE'],
    profiles: { '1g.12gb': 7, '1g.24gb': 4, '2g.24gb': 3, '3g.48gb': 2, '4g.48gb': 1, '7g.96gb': 1 },
    balanced: { '1g.12gb': 2, '2g.24gb': 1, '3g.48gb': 1 },
    mediaExtension: '1g.12gb',
  },
  {
    model: 'A30 24GB',
    deviceIds: ['0x20B710DE'],
    profiles: { '1g.6gb': 4, '2g.12gb': 2, '4g.24gb': 1 },
    balanced: { '1g.6gb': 2, '2g.12gb': 1 },
    mediaExtension: '1g.6gb',
  },
];

/** Key under which mig-manager expects its config. */
export const MIG_CONFIG_KEY = 'config.yaml';
/** The profile applied to nodes without a `nvidia.com/mig.config` label. */
export const MIG_DEFAULT_PROFILE = 'all-disabled';

/** The mig-parted config: `all-disabled`, `all-enabled`, `all-<profile>` per profile, `all-<profile>.me`, `all-balanced`. */
export const migPartedConfig = memo((): string => {
  const entry = (gpu: MigGpu, devices: Readonly<Record<string, number>>) => ({
    'device-filter': [...gpu.deviceIds],
    devices: 'all',
    'mig-enabled': true,
    'mig-devices': { ...devices },
  });
  const configs: Record<string, unknown[]> = {
    'all-disabled': [{ devices: 'all', 'mig-enabled': false }],
    'all-enabled': [{ devices: 'all', 'mig-enabled': true, 'mig-devices': {} }],
  };
  const profileNames = [...new Set(MIG_GPUS.flatMap((g) => Object.keys(g.profiles)))].sort(compareProfiles);
  for (const profile of profileNames) {
    configs[`all-${profile}`] = MIG_GPUS.filter((g) => profile in g.profiles).map((g) => entry(g, { [profile]: g.profiles[profile] }));
  }
  // Media-extension variants, as in NVIDIA's default config the old system shipped.
  for (const profile of [...new Set(MIG_GPUS.map((g) => g.mediaExtension))].sort(compareProfiles)) {
    configs[`all-${profile}.me`] = MIG_GPUS.filter((g) => g.mediaExtension === profile).map((g) => entry(g, { [`${profile}+me`]: 1 }));
  }
  configs['all-balanced'] = MIG_GPUS.map((g) => entry(g, g.balanced));
  return stringify({ version: 'v1', 'mig-configs': configs }, { lineWidth: 0 });
});

/** Orders `1g.5gb` before `2g.10gb` before `1g.10gb`… by slices, then by memory. */
function compareProfiles(a: string, b: string): number {
  const parse = (p: string) => {
    const match = /^(\d+)g\.(\d+)gb$/.exec(p);
    if (!match) throw new Error(`MIG profile ${p}: expected <slices>g.<memory>gb`); // our own table
    return [Number(match[1]), Number(match[2])];
  };
  const [sa, ma] = parse(a);
  const [sb, mb] = parse(b);
  return sa - sb || ma - mb;
}

/**
 * MPS sharing sizes: the backend labels a node `nvidia.com/device-plugin.config=mps_<n>` for
 * any n from 2 to its UI maximum of 48 (contract §5), so every size has a config.
 */
const MPS_REPLICAS: readonly number[] = Array.from({ length: 47 }, (_, i) => i + 2);
/** Device plugin config of nodes without a `nvidia.com/device-plugin.config` label. */
export const DEVICE_PLUGIN_DEFAULT_CONFIG = 'default';

const mpsDevicePluginConfigs = memo((): Readonly<Record<string, string>> => {
  const configs: Record<string, string> = {};
  for (const replicas of MPS_REPLICAS) {
    configs[`mps_${replicas}`] = stringify({
      version: 'v1',
      flags: { migStrategy: 'none' },
      sharing: { mps: { renameByDefault: true, resources: [{ name: 'nvidia.com/gpu', replicas }] } },
    }, { lineWidth: 0 });
  }
  return configs;
});

/**
 * Device plugin configs: `default`, whole GPUs (MIG as the operator's strategy), for unlabelled
 * nodes; and one key `mps_<n>` per size, each physical GPU offered as n MPS replicas of
 * `nvidia.com/gpu`, renamed to `nvidia.com/gpu.shared` for every size (the old system renamed
 * all but `mps_2`, so MPS-2 workloads found no resource).
 */
export function devicePluginConfigs(migStrategy: 'single' | 'mixed'): Readonly<Record<string, string>> {
  return { [DEVICE_PLUGIN_DEFAULT_CONFIG]: stringify({ version: 'v1', flags: { migStrategy } }, { lineWidth: 0 }), ...mpsDevicePluginConfigs() };
}
