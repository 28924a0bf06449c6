{{/* The release's name, or the chart's inside it: every object's name, so that two releases never collide. */}}
{{- define "pso.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* What selects the operator's pods: the name deploy/ uses, and the release. */}}
{{- define "pso.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "pso.labels" -}}
{{ include "pso.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "pso.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "pso.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name: the account the operator runs as, when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "pso.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The Lease: its own per release, so that shards (one release each) elect their leaders apart. */}}
{{- define "pso.leaseName" -}}
{{- default (include "pso.fullname" .) .Values.leaderElection.leaseName -}}
{{- end -}}

{{/* The Prometheus series of this release: by default, as a ServiceMonitor scrapes them through its Service. */}}
{{- define "pso.metricsSelector" -}}
{{- if .Values.metrics.prometheusRule.seriesSelector -}}
{{- .Values.metrics.prometheusRule.seriesSelector -}}
{{- else -}}
namespace="{{ .Release.Namespace }}", job="{{ include "pso.fullname" . }}-metrics"
{{- end -}}
{{- end -}}

{{/* The JVM's options: its heap a share of the container's memory limit, so that heap and the rest fit in it. */}}
{{- define "pso.jvmOptions" -}}
{{- $options := list (printf "-XX:MaxRAMPercentage=%v" .Values.jvm.maxRAMPercentage) -}}
{{- range .Values.jvm.extraOptions -}}
{{- $options = append $options . -}}
{{- end -}}
{{- join " " $options -}}
{{- end -}}
