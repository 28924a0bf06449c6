-- Argo CD health of a PermissionSetProvisioning (identitycenter.operators.dev).
-- The operator follows kstatus: status.observedGeneration, and the conditions Ready, Reconciling (in flight or
-- retrying) and Stalled (failed, bad input, or waiting for an outside fix). This script reads them in kstatus order,
-- then UpToDate, which kstatus does not know: a provisioned permission set that changed in the cloud since, whose
-- accounts hold an out-of-date copy until it is provisioned again, is Degraded.
-- It runs in Argo CD's default Lua runtime (Lua 5.1, no string, math or os library), so it only compares and
-- concatenates.
local health = {}

local function condition(conditions, conditionType)
  for _, candidate in ipairs(conditions) do
    if candidate.type == conditionType then
      return candidate
    end
  end
  return nil
end

local function describe(found)
  if found.message ~= nil and found.message ~= "" then
    return found.message
  end
  return found.reason
end

local status = obj.status
if status == nil or status.conditions == nil then
  health.status = "Progressing"
  health.message = "Waiting for the operator to report status"
  return health
end

local generation = obj.metadata.generation
if status.observedGeneration ~= nil and generation ~= nil and status.observedGeneration ~= generation then
  health.status = "Progressing"
  health.message = "Waiting for the operator to act on generation " .. generation
    .. " (status describes generation " .. status.observedGeneration .. ")"
  return health
end

local reconciling = condition(status.conditions, "Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  health.status = "Progressing"
  health.message = describe(reconciling)
  return health
end

local stalled = condition(status.conditions, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  health.status = "Degraded"
  health.message = describe(stalled)
  return health
end

local ready = condition(status.conditions, "Ready")
local upToDate = condition(status.conditions, "UpToDate")
if ready ~= nil and ready.status == "True" and upToDate ~= nil and upToDate.status == "False" then
  health.status = "Degraded"
  health.message = describe(upToDate)
  return health
end
if ready ~= nil and ready.status == "True" then
  health.status = "Healthy"
  health.message = describe(ready)
  return health
end

health.status = "Progressing"
if ready ~= nil then
  health.message = describe(ready)
else
  health.message = "Waiting for the Ready condition"
end
return health
