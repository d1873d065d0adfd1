/**
 * What a long run is doing now (`acme: HelmRelease/harbor/harbor`). On a terminal the command
 * shows it on one stderr line replaced in place; elsewhere it is not passed, so CI logs stay quiet.
 */
export type Progress = (step: string) => void;
