# CMake generated Testfile for 
# Source directory: /work/main/fuzz
# Build directory: /work/main/b/fuzz
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test([=[replay.decode]=] "/work/main/b/fuzz/replay-decode" "/work/main/corpus/decode")
set_tests_properties([=[replay.decode]=] PROPERTIES  LABELS "replay" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/fuzz/CMakeLists.txt;59;add_test;/work/main/fuzz/CMakeLists.txt;0;")
add_test([=[replay.reader]=] "/work/main/b/fuzz/replay-reader" "/work/main/corpus/reader")
set_tests_properties([=[replay.reader]=] PROPERTIES  LABELS "replay" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/fuzz/CMakeLists.txt;59;add_test;/work/main/fuzz/CMakeLists.txt;0;")
add_test([=[replay.nspaths]=] "/work/main/b/fuzz/replay-nspaths" "/work/main/corpus/nspaths")
set_tests_properties([=[replay.nspaths]=] PROPERTIES  LABELS "replay" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/fuzz/CMakeLists.txt;59;add_test;/work/main/fuzz/CMakeLists.txt;0;")
add_test([=[replay.idmap]=] "/work/main/b/fuzz/replay-idmap" "/work/main/corpus/idmap")
set_tests_properties([=[replay.idmap]=] PROPERTIES  LABELS "replay" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/fuzz/CMakeLists.txt;59;add_test;/work/main/fuzz/CMakeLists.txt;0;")
add_test([=[replay.cpulist]=] "/work/main/b/fuzz/replay-cpulist" "/work/main/corpus/cpulist")
set_tests_properties([=[replay.cpulist]=] PROPERTIES  LABELS "replay" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/fuzz/CMakeLists.txt;59;add_test;/work/main/fuzz/CMakeLists.txt;0;")
add_test([=[replay.timens]=] "/work/main/b/fuzz/replay-timens" "/work/main/corpus/timens")
set_tests_properties([=[replay.timens]=] PROPERTIES  LABELS "replay" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/fuzz/CMakeLists.txt;59;add_test;/work/main/fuzz/CMakeLists.txt;0;")
add_test([=[replay.machine]=] "/work/main/b/fuzz/replay-machine" "/work/main/corpus/machine")
set_tests_properties([=[replay.machine]=] PROPERTIES  LABELS "replay" TIMEOUT "600" _BACKTRACE_TRIPLES "/work/main/fuzz/CMakeLists.txt;59;add_test;/work/main/fuzz/CMakeLists.txt;0;")
