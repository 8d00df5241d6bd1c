// KServe's InferenceService (serving.kserve.io/v1beta1) and ClusterServingRuntime (serving.kserve.io/v1alpha1), the
// fields this repository's examples may use, after KServe's Go API types (pkg/apis/serving/v1beta1: InferenceServiceSpec,
// PredictorSpec = PodSpec inlined + ComponentExtensionSpec, ModelSpec = Container inlined + modelFormat/runtime/
// protocolVersion/storageUri; pkg/apis/serving/v1alpha1: ServingRuntimeSpec). No npm package ships KServe's schema; the
// pod-level fields come from kubernetes-types.
import type { DeploymentStrategy } from "kubernetes-types/apps/v1";
import type { Container, PodSpec } from "kubernetes-types/core/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";

export interface ComponentExtensionSpec {
  minReplicas?: number;
  maxReplicas?: number;
  scaleTarget?: number;
  scaleMetric?: "cpu" | "memory" | "concurrency" | "rps";
  containerConcurrency?: number;
  timeout?: number;
  canaryTrafficPercent?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deploymentStrategy?: DeploymentStrategy;
}

export type ProtocolVersion = "v1" | "v2" | "grpc-v1" | "grpc-v2";

export interface ModelFormat {
  name: string;
  version?: string;
}

export type ModelSpec = Partial<Container> & {
  modelFormat: ModelFormat;
  runtime?: string;
  protocolVersion?: ProtocolVersion;
  storageUri?: string;
};

export type PredictorSpec = Partial<PodSpec> & ComponentExtensionSpec & { model?: ModelSpec };

export interface InferenceService {
  apiVersion: "serving.kserve.io/v1beta1";
  kind: "InferenceService";
  metadata: ObjectMeta;
  spec: {
    predictor: PredictorSpec;
    transformer?: PredictorSpec;
    explainer?: PredictorSpec;
  };
}

export interface SupportedModelFormat {
  name: string;
  version?: string;
  autoSelect?: boolean;
  priority?: number;
}

export interface ClusterServingRuntime {
  apiVersion: "serving.kserve.io/v1alpha1";
  kind: "ClusterServingRuntime";
  metadata: ObjectMeta;
  spec: Pick<PodSpec, "volumes" | "nodeSelector" | "affinity" | "tolerations" | "imagePullSecrets"> & {
    supportedModelFormats: SupportedModelFormat[];
    protocolVersions?: ProtocolVersion[];
    multiModel?: boolean;
    disabled?: boolean;
    replicas?: number;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    containers: Container[];
  };
}
