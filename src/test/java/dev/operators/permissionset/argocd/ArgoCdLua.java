package dev.operators.permissionset.argocd;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.OneArgFunction;
import org.luaj.vm2.lib.OsLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.TableLib;

/**
 * Runs an Argo CD health script the way Argo CD runs a health check configured in argocd-cm: in a Lua state that
 * has only what Argo CD opens when {@code resource.customizations.useOpenLibs} is not set.
 *
 * <p>Argo CD ({@code util/lua/lua.go}, {@code runLua}) creates its gopher-lua state with
 * {@code SkipOpenLibs: !UseOpenLibs} and then opens {@code package}, {@code base} and {@code table}, calls its
 * {@code OpenSafeOs} and preloads {@code os} with {@code SafeOsLoader} ({@code time} and {@code date} only). In
 * {@code oslib_safe.go}, {@code OpenSafeOs} registers its functions under {@code lua.TabLibName}; gopher-lua's
 * {@code RegisterModule} returns the already loaded {@code table} module untouched, so no global {@code os}
 * exists: only {@code require("os")} reaches {@code time} and {@code date}. There is no {@code string},
 * {@code math}, {@code io}, {@code coroutine} or {@code debug}, and strings have no methods ({@code s:find} fails).
 *
 * <p>LuaJ implements Lua 5.2, gopher-lua Lua 5.1. The functions LuaJ has and gopher-lua lacks ({@code rawlen},
 * {@code table.pack}, {@code table.unpack}) are removed; the ones gopher-lua has and LuaJ lacks ({@code unpack},
 * {@code loadstring}, {@code getfenv}, {@code setfenv}, {@code module}, {@code table.getn}, {@code table.maxn})
 * stay missing, so a script that passes here uses only what both provide.
 */
final class ArgoCdLua {

  /** The statuses Argo CD accepts from a health script ({@code isValidHealthStatusCode}). */
  static final Set<String> HEALTH_STATUSES =
      Set.of("Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown");

  /** The global through which Argo CD hands the script the live resource. */
  static final String RESOURCE_GLOBAL = "obj";

  private static final List<String> ONLY_IN_LUA_52 = List.of("rawlen");
  private static final List<String> ONLY_IN_LUA_52_TABLE = List.of("pack", "unpack");

  /** What a health script returned, as Argo CD reads it. */
  record HealthStatus(String status, String message) {
  }

  private ArgoCdLua() {
  }

  /** Runs {@code script} with the global {@code obj} set to {@code resource}, as Argo CD's ExecuteHealthLua does. */
  static HealthStatus health(String script, Map<String, Object> resource) {
    Globals globals = defaultRuntime();
    globals.set(RESOURCE_GLOBAL, toLua(resource));
    LuaValue result = globals.load(script, "health.lua").call();
    if (!result.istable()) {
      throw new IllegalStateException("expect table output from Lua script, not " + result.typename());
    }
    LuaValue status = result.get("status");
    LuaValue message = result.get("message");
    if (!status.isstring() || !HEALTH_STATUSES.contains(status.tojstring())) {
      return new HealthStatus("Unknown", "Lua returned an invalid health status");
    }
    return new HealthStatus(status.tojstring(), message.isnil() ? null : message.checkjstring());
  }

  /**
   * Globals the script reads that Argo CD's default runtime does not define and the script does not assign, found
   * in the compiled chunk, so also on paths no test input reaches.
   */
  static Set<String> undefinedGlobals(String script) {
    Globals globals = defaultRuntime();
    Prototype chunk;
    try {
      chunk = globals.compilePrototype(new StringReader(script), "health.lua");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> read = new TreeSet<>();
    Set<String> written = new HashSet<>();
    collectGlobals(chunk, read, written);
    read.removeAll(written);
    read.remove(RESOURCE_GLOBAL);
    read.removeIf(name -> !globals.get(name).isnil());
    return read;
  }

  static Globals defaultRuntime() {
    // strings get their methods from a metatable LuaJ keeps in a static field, set when its string library loads
    LuaString.s_metatable = null;
    Globals globals = new Globals();
    globals.load(new BaseLib());
    globals.load(new PackageLib());
    globals.load(new TableLib());
    LoadState.install(globals);
    LuaC.install(globals);
    ONLY_IN_LUA_52.forEach(name -> globals.set(name, LuaValue.NIL));
    LuaValue table = globals.get("table");
    ONLY_IN_LUA_52_TABLE.forEach(name -> table.set(name, LuaValue.NIL));
    globals.get("package").get("preload").set("os", new SafeOsLoader());
    return globals;
  }

  /** Argo CD's SafeOsLoader: a module with os.time and os.date and nothing else. */
  private static final class SafeOsLoader extends OneArgFunction {
    @Override
    public LuaValue call(LuaValue moduleName) {
      Globals scratch = new Globals();
      scratch.load(new PackageLib());
      scratch.load(new OsLib());
      LuaTable safeOs = new LuaTable();
      safeOs.set("time", scratch.get("os").get("time"));
      safeOs.set("date", scratch.get("os").get("date"));
      return safeOs;
    }
  }

  private static void collectGlobals(Prototype function, Set<String> read, Set<String> written) {
    for (int instruction : function.code) {
      int opcode = Lua.GET_OPCODE(instruction);
      if (opcode == Lua.OP_GETTABUP && isEnvironment(function, Lua.GETARG_B(instruction))) {
        constantName(function, Lua.GETARG_C(instruction)).ifPresent(read::add);
      } else if (opcode == Lua.OP_SETTABUP && isEnvironment(function, Lua.GETARG_A(instruction))) {
        constantName(function, Lua.GETARG_B(instruction)).ifPresent(written::add);
      }
    }
    for (Prototype nested : function.p) {
      collectGlobals(nested, read, written);
    }
  }

  private static boolean isEnvironment(Prototype function, int upvalue) {
    return function.upvalues[upvalue].name != null && "_ENV".equals(function.upvalues[upvalue].name.tojstring());
  }

  private static Optional<String> constantName(Prototype function, int operand) {
    if (Lua.ISK(operand) && function.k[Lua.INDEXK(operand)].isstring()) {
      return Optional.of(function.k[Lua.INDEXK(operand)].tojstring());
    }
    return Optional.empty();
  }

  /** Argo CD's decodeValue: maps become tables, lists become arrays from index 1, numbers become Lua numbers. */
  static LuaValue toLua(Object value) {
    if (value == null) {
      return LuaValue.NIL;
    } else if (value instanceof Map<?, ?> map) {
      LuaTable table = new LuaTable();
      map.forEach((key, item) -> table.rawset(LuaValue.valueOf(key.toString()), toLua(item)));
      return table;
    } else if (value instanceof List<?> list) {
      LuaTable table = new LuaTable();
      for (int index = 0; index < list.size(); index++) {
        table.rawset(index + 1, toLua(list.get(index)));
      }
      return table;
    } else if (value instanceof Boolean bool) {
      return LuaValue.valueOf(bool);
    } else if (value instanceof Number number) {
      return LuaValue.valueOf(number.doubleValue());
    } else if (value instanceof String string) {
      return LuaValue.valueOf(string);
    }
    throw new IllegalArgumentException("not a JSON value: " + value.getClass());
  }
}
