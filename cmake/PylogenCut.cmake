# pylogen_add_cut(NAME SOURCES src...)
# Builds a CUT plugin: a MODULE library named NAME.so (no "lib" prefix), hidden
# visibility so that only the registration symbols are exported, linked
# against the header-only SDK and nothing of the pylogen executable.
function(pylogen_add_cut name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "pylogen_add_cut(${name}): SOURCES is required")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE pylogen::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${name} PRIVATE "LINKER:--no-undefined")
  # A CUT is measured code: a consumer that sets no build type (CMake's
  # default is no optimisation at all) gets an optimised one; a build type
  # given (Debug, Release...) keeps its own flags.
  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(NOT multi_config AND NOT CMAKE_BUILD_TYPE)
    target_compile_options(${name} PRIVATE -O2)
    target_compile_definitions(${name} PRIVATE NDEBUG)
  endif()
endfunction()
