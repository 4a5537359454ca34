# layering.cmake: the `test_layering` test. Proves that the layers' include paths and
# scripts/check-layering.cmake keep dependencies pointing one way (gateway -> {conf, handlers} ->
# db -> util), and fails if they no longer do:
#   1. for each layer, the preprocessor with exactly that library's include directories finds a
#      header of every folder the layer may use and of none above it ("file not found");
#   2. the include check passes on the source tree, and fails, naming the line, on a scratch tree
#      whose db/ includes "gateway/..." and "../gateway/...".
# Arguments (-D): RL_CC, RL_SOURCE_DIR, RL_WORK (scratch directory), RL_INC_<layer> ('|'-joined).
cmake_minimum_required(VERSION 3.18)

set(layers util db handlers conf gateway)
set(sees_util util)
set(sees_db util db)
set(sees_handlers util db handlers)
set(sees_conf util db conf)
set(sees_gateway util db handlers conf gateway)

file(REMOVE_RECURSE ${RL_WORK})
file(MAKE_DIRECTORY ${RL_WORK})
set(failures "")
set(probes 0)

foreach(layer ${layers})
  string(REPLACE "|" ";" incs "${RL_INC_${layer}}")
  if(NOT incs)
    message(FATAL_ERROR "no include directories given for ${layer} (RL_INC_${layer})")
  endif()
  set(flags "")
  foreach(i ${incs})
    list(APPEND flags "-I${i}")
  endforeach()
  foreach(folder ${layers})
    file(GLOB headers ${RL_SOURCE_DIR}/${folder}/*.h)
    list(SORT headers)
    list(GET headers 0 header)
    get_filename_component(name ${header} NAME)
    set(probe ${RL_WORK}/probe_${layer}_${folder}.c)
    file(WRITE ${probe} "#include \"${folder}/${name}\"\n")
    execute_process(COMMAND ${RL_CC} -E -o ${RL_WORK}/probe.i ${flags} ${probe}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    math(EXPR probes "${probes} + 1")
    list(FIND sees_${layer} ${folder} allowed)
    if(allowed GREATER -1 AND NOT rc EQUAL 0)
      list(APPEND failures "${layer}/ cannot include ${folder}/${name}, which it may use:\n${err}")
    elseif(allowed EQUAL -1 AND rc EQUAL 0)
      list(APPEND failures "${layer}/ CAN include ${folder}/${name}: the layering is broken")
    elseif(allowed EQUAL -1 AND NOT err MATCHES "${folder}/${name}")
      list(APPEND failures "${layer}/ including ${folder}/${name} failed for another reason:\n${err}")
    endif()
  endforeach()
endforeach()

# The include check itself: clean on the real tree, loud on a broken one.
set(check ${RL_SOURCE_DIR}/scripts/check-layering.cmake)
execute_process(COMMAND ${CMAKE_COMMAND} -DRL_SOURCE_DIR=${RL_SOURCE_DIR} -P ${check}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  list(APPEND failures "check-layering.cmake fails on the source tree:\n${err}")
endif()
file(WRITE ${RL_WORK}/tree/db/up.c "#include \"db/db.h\"\n#include \"gateway/daemon.h\"\n")
file(WRITE ${RL_WORK}/tree/db/climb.c "#include \"../gateway/log.h\"\n")
file(WRITE ${RL_WORK}/tree/conf/side.h "#include \"handlers/handler.h\"\n")
execute_process(COMMAND ${CMAKE_COMMAND} -DRL_SOURCE_DIR=${RL_WORK}/tree -P ${check}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
foreach(expect "db/up.c: #include \"gateway/daemon.h\"" "db/climb.c: #include \"../gateway/log.h\""
               "conf/side.h: #include \"handlers/handler.h\"")
  string(FIND "${err}" "${expect}" at)
  if(rc EQUAL 0 OR at EQUAL -1)
    list(APPEND failures "check-layering.cmake does not report ${expect}:\n${err}")
  endif()
endforeach()

if(failures)
  list(JOIN failures "\n" text)
  message(FATAL_ERROR "${text}")
endif()
message(STATUS "layering holds: ${probes} include probes, and the include check catches a broken tree")
