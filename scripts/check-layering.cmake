# check-layering.cmake: refuses an #include that climbs the layers or escapes them.
#   cmake -DRL_SOURCE_DIR=<source root> -P scripts/check-layering.cmake
#
# Dependencies point one way: gateway -> {conf, handlers} -> db -> util. The include path of each
# layer's library already hides the folders above it (CMakeLists.txt, build/layers/); this
# check names the offending line, and also catches what an include path cannot: a relative
# #include "../gateway/log.h", which the compiler resolves from the including file's folder.
cmake_minimum_required(VERSION 3.18)
if(NOT RL_SOURCE_DIR)
  message(FATAL_ERROR "usage: cmake -DRL_SOURCE_DIR=<source root> -P check-layering.cmake")
endif()

# Keep in step with RL_SEES_* in CMakeLists.txt.
set(sees_util util)
set(sees_db util db)
set(sees_handlers util db handlers)
set(sees_conf util db conf)
set(sees_gateway util db handlers conf gateway)
set(layers util db handlers conf gateway)

set(problems "")
foreach(layer ${layers})
  file(GLOB files ${RL_SOURCE_DIR}/${layer}/*.c ${RL_SOURCE_DIR}/${layer}/*.h)
  foreach(f ${files})
    file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]")
    file(RELATIVE_PATH rel ${RL_SOURCE_DIR} ${f})
    foreach(line ${lines})
      if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*[\"<]([^\">]*)[\">]")
        set(path "${CMAKE_MATCH_1}")
        if(path MATCHES "(^|/)\\.\\.(/|$)")
          list(APPEND problems "${rel}: ${line}: relative include climbs out of the folder")
        elseif(path MATCHES "^([a-z_]+)/")
          set(folder "${CMAKE_MATCH_1}")
          list(FIND layers ${folder} is_layer)
          list(FIND sees_${layer} ${folder} seen)
          if(is_layer GREATER -1 AND seen EQUAL -1)
            list(APPEND problems "${rel}: ${line}: ${layer}/ may include only ${sees_${layer}}")
          endif()
        endif()
      endif()
    endforeach()
  endforeach()
endforeach()

if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "layering: an include goes against the layers "
                      "(gateway -> {conf, handlers} -> db -> util):\n  ${text}")
endif()
