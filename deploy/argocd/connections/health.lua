-- Argo CD health of an IdentityCenterConnection or a ClusterIdentityCenterConnection (identitycenter.operators.dev).
-- The operator checks a connection (its spec, its credentials Secret, a read-only call to the cloud) and reports the
-- outcome in one condition, Ready, for status.observedGeneration: True when resources may use the connection,
-- Unknown while it is being checked, False when something needs fixing (the reason and message say what).
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
  health.message = "Waiting for the operator to check the connection"
  return health
end

local generation = obj.metadata.generation
if status.observedGeneration ~= nil and generation ~= nil and status.observedGeneration ~= generation then
  health.status = "Progressing"
  health.message = "Waiting for the operator to check generation " .. generation
    .. " (status describes generation " .. status.observedGeneration .. ")"
  return health
end

local ready = condition(status.conditions, "Ready")
if ready == nil then
  health.status = "Progressing"
  health.message = "Waiting for the Ready condition"
  return health
end

if ready.status == "True" then
  health.status = "Healthy"
elseif ready.status == "False" then
  health.status = "Degraded"
else
  health.status = "Progressing"
end
health.message = describe(ready)
return health
