# The MogelijkMakers' workspace arrives with its own issue; the prefix is reserved here.
app_name = "staff"
urlpatterns: list = []
