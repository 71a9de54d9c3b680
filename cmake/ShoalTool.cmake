# shoal_tool(NAME [LIBS ...]): a program in tools/NAME. Every .cpp of the folder except main.cpp
# goes into NAME_lib (which unit tests link); main.cpp alone makes the executable.
function(shoal_tool name)
  cmake_parse_arguments(arg "" "" "LIBS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  list(FILTER sources EXCLUDE REGEX "/main\\.cpp$")
  if(NOT sources)
    return() # a tool still being written
  endif()
  add_library(${name}_lib STATIC ${sources})
  target_include_directories(${name}_lib PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}")
  target_link_libraries(${name}_lib PUBLIC shoal_common ${arg_LIBS} PRIVATE shoal_warnings)
  set_property(GLOBAL APPEND PROPERTY SHOAL_TOOL_LIBS ${name}_lib)
  if(EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/main.cpp")
    add_executable(${name} main.cpp)
    target_link_libraries(${name} PRIVATE ${name}_lib shoal_warnings)
    install(TARGETS ${name})
  endif()
endfunction()
