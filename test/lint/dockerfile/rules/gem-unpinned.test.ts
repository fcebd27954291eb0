import { ruleTable } from "./rule-table.js";

ruleTable("dockerfile-gem-unpinned", {
  fires: ["RUN gem install bundler", "RUN gem i rails:7.1 nokogiri", "RUN gem install --no-document bundler"],
  passes: [
    "RUN gem install bundler:2.5.6",
    "RUN gem install bundler -v 2.5.6",
    "RUN gem install bundler --version=2.5.6",
    "RUN bundle install",
  ],
});
