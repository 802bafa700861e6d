// Registers cdktf's Terraform JSON matchers (toHaveResource, toHaveResourceWithProperties, ...).
const { Testing } = require("cdktf");
Testing.setupJest();
