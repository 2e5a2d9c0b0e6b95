/** The meshbench engine as an in-cluster Indexed Job: its objects, its runner, how meshed Jobs end. */
export { BUNDLE_KEY, CONFIGMAP_LIMIT_BYTES, DEFAULT_LOADER_IMAGE, LOADER_CONTAINER, SETTINGS_DIR, SETTINGS_KEY, configMapName, loaderConfigMap, loaderJob, loaderRequestProblems, withBundleElided, type LoaderJobRequest, type LoaderSettings } from './job.ts';
export { loaderDeadlineSeconds, loaderJobName, loaderRequest, loaderSettings, loaderTarget, renderLoader, type LoaderTrial } from './from-scenario.ts';
export { DEFAULT_START_LEAD_MS, finishLoader, loaderWindow, readLoaderOutput, resultLineOf, runLoader, startLoader, waitLoaderPods, type EndedLoader, type StartedLoader, type LoaderPodOutput, type LoaderRun, type LoaderRunRequest, type RunLoaderOptions } from './runner.ts';
export { collectPodResults, type Decoded, type PodResult, type PodResults } from './pod-results.ts';
export { istioNativeSidecars, loaderTermination, type LoaderTermination, type NativeSidecarVerdict, type TerminationFacts } from './termination.ts';
export { followWindow, type WindowPhase } from './window.ts';
export { loaderContainers, runInClusterLoad, type InClusterLoad, type InClusterLoadOptions, type LoaderContainersOptions } from './in-cluster-load.ts';
export { probeLoaderPod, type LoaderProbe } from './probe.ts';
