// KServe's InferenceService (serving.kserve.io/v1beta1), the fields this repository's example may use, after KServe's
// Go API types (pkg/apis/serving/v1beta1: InferenceServiceSpec, PredictorSpec = PodSpec inlined +
// ComponentExtensionSpec). No npm package ships KServe's schema; the pod-level fields come from kubernetes-types.
import type { DeploymentStrategy } from "kubernetes-types/apps/v1";
import type { PodSpec } from "kubernetes-types/core/v1";
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

export type PredictorSpec = Partial<PodSpec> & ComponentExtensionSpec;

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
