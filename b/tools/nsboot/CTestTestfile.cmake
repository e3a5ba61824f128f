# CMake generated Testfile for 
# Source directory: /work/main/tools/nsboot
# Build directory: /work/main/b/tools/nsboot
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
