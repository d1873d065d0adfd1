#!/usr/bin/env bash
# Regenerates imports/ (typed L1 classes) from the CRD schemas vendored in vendor/schemas.
# CRDs of one API group are bundled into one temporary multi-document file, because
# `cdk8s import` of two files of the same group overwrites the first module.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
schemas=${ASTRAGO_SCHEMAS:-$here/vendor/schemas}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bundle() { # <group> <crd files...>
  local group=$1; shift
  local out="$tmp/$group.yaml"
  for f in "$@"; do printf -- '---\n' >>"$out"; cat "$schemas/crds/$f" >>"$out"; done
  (cd "$here" && CDK8S_CHECK_UPGRADE=false npx cdk8s import "$out" --output imports --language typescript >/dev/null)
}

bundle source.toolkit.fluxcd.io source.toolkit.fluxcd.io_gitrepositories.yaml source.toolkit.fluxcd.io_helmrepositories.yaml source.toolkit.fluxcd.io_ocirepositories.yaml
bundle helm.toolkit.fluxcd.io helm.toolkit.fluxcd.io_helmreleases.yaml
bundle kustomize.toolkit.fluxcd.io kustomize.toolkit.fluxcd.io_kustomizations.yaml
bundle monitoring.coreos.com monitoring.coreos.com_servicemonitors.yaml monitoring.coreos.com_podmonitors.yaml monitoring.coreos.com_prometheusrules.yaml
bundle traefik.io traefik.io_middlewares.yaml
ls "$here/imports"
