# Included by CTest after the tests gtest_discover_tests found (see
# tests/CMakeLists.txt): gives the slowest tests a COST, their seconds under
# ASan on the 2-core CI machine, so that CTest starts them first. A fresh
# clone has no Testing/Temporary/CTestCostData.txt, and without it CTest runs
# the tests in the order they were found, which left a 21 s test to start
# near the end and one core idle for the tail of `ctest -j2`.
#
# Pairs of a test-name regular expression and its cost; names that no longer
# match are simply ignored, so a renamed test only loses its head start.
set(duban_test_costs
  "^KillHarnessTest\\." 21
  "^ProviderFaultsTest\\." 18
  "^DiskFullTest\\." 14
  "^SpotCheckTest\\.GroupsAreReminded" 7
  "^HttpServerTest\\.AClientThatStopsMidRequest" 6
  "^SampleCliTest\\." 5
  "^SecretsTest\\." 5
  "^CrashDeliveryTest\\." 4
  "^ExamplesTest\\." 3
  "^SoakTest\\." 3
  "^TokenCliTest\\.MistakesAreNamed" 2
  "^RobustnessTest\\.(Truncated|RandomlyDamaged)Files" 2
)
foreach(duban_test IN LISTS unit_tests_TESTS integration_tests_TESTS)
  set(duban_rest ${duban_test_costs})
  while(duban_rest)
    list(POP_FRONT duban_rest duban_regex duban_cost)
    if(duban_test MATCHES "${duban_regex}")
      set_tests_properties("${duban_test}" PROPERTIES COST ${duban_cost})
      break()
    endif()
  endwhile()
endforeach()
