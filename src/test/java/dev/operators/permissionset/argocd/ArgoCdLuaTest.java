package dev.operators.permissionset.argocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.operators.permissionset.argocd.ArgoCdLua.HealthStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.luaj.vm2.LuaError;

/** The harness refuses what Argo CD's default Lua runtime refuses, so the health script tests can be trusted. */
class ArgoCdLuaTest {

  private static final Map<String, Object> RESOURCE = Map.of(
      "metadata", Map.of("name", "x", "generation", 2),
      "status", Map.of("conditions", List.of(Map.of("type", "Ready", "status", "True"))));

  @ParameterizedTest
  @ValueSource(strings = {
      "return {status = string.format('%s', 'Healthy')}",
      "return {status = 'Healthy', message = 'g' .. math.floor(obj.metadata.generation)}",
      "local name = obj.metadata.name; return {status = 'Healthy', message = name:upper()}",
      "return {status = unpack({'Healthy'})}",
      "return {status = 'Healthy', message = os.date()}",
      "return {status = table.unpack({'Healthy'})}",
      "return {status = 'Healthy', message = tostring(rawlen(obj.status.conditions))}",
      "return {status = 'Healthy', message = io.read()}"})
  void librariesArgoCdDoesNotOpenByDefaultAreMissing(String script) {
    assertThatThrownBy(() -> ArgoCdLua.health(script, RESOURCE)).isInstanceOf(LuaError.class);
  }

  @Test
  void baseTableAndTheSafeOsModuleAreThere() {
    String script = """
        local os = require("os")
        local parts = {}
        for _, condition in ipairs(obj.status.conditions) do
          table.insert(parts, condition.type .. "=" .. condition.status)
        end
        if type(os.time()) ~= "number" or os.execute ~= nil then
          return {status = "Degraded"}
        end
        return {status = "Healthy", message = table.concat(parts, ",") .. " at " .. tostring(obj.metadata.generation)}
        """;

    assertThat(ArgoCdLua.health(script, RESOURCE)).isEqualTo(new HealthStatus("Healthy", "Ready=True at 2"));
  }

  @Test
  void anUnknownStatusIsReportedAsArgoCdReportsIt() {
    assertThat(ArgoCdLua.health("return {status = 'Fine'}", RESOURCE))
        .isEqualTo(new HealthStatus("Unknown", "Lua returned an invalid health status"));
    assertThatThrownBy(() -> ArgoCdLua.health("return 'Healthy'", RESOURCE))
        .hasMessageContaining("expect table output from Lua script, not string");
  }

  @Test
  void globalsOutsideTheDefaultRuntimeAreFoundOnPathsNoInputTakes() {
    String script = """
        hs = {}
        local function shout(text)
          return string.upper(text)
        end
        if obj.never then
          hs.message = shout(obj.never) .. math.pi .. os.time()
          hs.first = unpack(obj.never)
        end
        hs.status = "Healthy"
        for _, condition in ipairs(obj.status.conditions) do
          hs.message = tostring(condition.type)
        end
        return hs
        """;

    assertThat(ArgoCdLua.health(script, RESOURCE).status()).isEqualTo("Healthy");
    assertThat(ArgoCdLua.undefinedGlobals(script)).containsExactly("math", "os", "string", "unpack");
  }
}
